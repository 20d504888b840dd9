"""The PyTorch DCGAN example (pytorch/examples dcgan/main.py) on a folder's images, for a fixed wall-clock time.

Its networks at the data's size (a power of two, 16..256) with ngf = ndf = 64, no biases, weights
N(0, 0.02) (batch-norm scales N(1, 0.02)): G ConvT(nz -> 64*2^(n-1), k4 s1 p0) to 4x4, then
ConvT k4 s2 p1 halving the channels with BN-ReLU, the last to C with tanh; D the mirror,
Conv k4 s2 p1 with LeakyReLU(0.2) (BN on all but the first), the last Conv(-> 1, k4 s1 p0).
At 64x64x3 this is exactly the example's 100->512->256->128->64->3 generator.
Recipe: Adam lr 2e-4, betas (0.5, 0.999), batch 64, non-saturating BCE, real 1 / fake 0, one D step
then one G step per batch; torch.set_num_threads(2).

Reads the training images as float32 .npy [N, C, H, W] in [-1, 1] (`scripts/export-npy.ts`), writes
10,000 samples the same way for `scripts/eval-npy.ts`.

usage: python3 bench/torch_dcgan_images.py data=train.npy minutes=30 out=/tmp/torch-dcgan.npy [seed=0]
"""
import json
import sys

import numpy as np
import torch

from torch_reference import dcgan_example, train_for_minutes  # same folder: the example's networks and loop


def main():
    args = dict(a.split('=', 1) for a in sys.argv[1:])
    minutes = float(args.get('minutes', '30'))
    out = args.get('out', '/tmp/torch-dcgan.npy')
    torch.manual_seed(int(args.get('seed', '0')))
    torch.set_num_threads(2)
    data = torch.from_numpy(np.load(args['data']).astype(np.float32))
    _, channels, size, _ = data.shape
    if size & (size - 1) or size < 16:
        raise SystemExit(f'image size {size} is not a power of two from 16 up')
    G, D, _ = dcgan_example(size, 64, channels)
    steps, samples = train_for_minutes(G, D, data, minutes)
    np.save(out, samples.astype(np.float32))
    params = sum(p.numel() for p in G.parameters()), sum(p.numel() for p in D.parameters())
    print(json.dumps({'steps': steps, 'minutes': minutes, 'size': size, 'channels': channels, 'params': params,
                      'train_images': len(data), 'samples': out, 'torch': torch.__version__}), flush=True)


if __name__ == '__main__':
    main()
