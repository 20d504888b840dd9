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
import math
import sys
import time

import numpy as np
import torch
import torch.nn as nn

from torch_reference import gan_step  # same folder: the benchmark's training step


def example_networks(size, channels, nz=100, width=64):
    n = int(math.log2(size)) - 2  # up-sampling convolutions after the 4x4 projection
    if 2 ** (n + 2) != size or n < 2:
        raise SystemExit(f'image size {size} is not a power of two from 16 up')
    top = width * 2 ** (n - 1)
    g = [nn.ConvTranspose2d(nz, top, 4, 1, 0, bias=False), nn.BatchNorm2d(top), nn.ReLU(True)]
    c = top
    for _ in range(n - 1):
        g += [nn.ConvTranspose2d(c, c // 2, 4, 2, 1, bias=False), nn.BatchNorm2d(c // 2), nn.ReLU(True)]
        c //= 2
    g += [nn.ConvTranspose2d(c, channels, 4, 2, 1, bias=False), nn.Tanh()]
    d = [nn.Conv2d(channels, width, 4, 2, 1, bias=False), nn.LeakyReLU(0.2, inplace=True)]
    c = width
    for _ in range(n - 1):
        d += [nn.Conv2d(c, c * 2, 4, 2, 1, bias=False), nn.BatchNorm2d(c * 2), nn.LeakyReLU(0.2, inplace=True)]
        c *= 2
    d += [nn.Conv2d(c, 1, 4, 1, 0, bias=False), nn.Flatten()]
    return nn.Sequential(nn.Unflatten(1, (nz, 1, 1)), *g), nn.Sequential(*d)


def weights_init(m):
    name = m.__class__.__name__
    if 'Conv' in name:
        nn.init.normal_(m.weight, 0.0, 0.02)
    elif 'BatchNorm' in name:
        nn.init.normal_(m.weight, 1.0, 0.02)
        nn.init.zeros_(m.bias)


def main():
    args = dict(a.split('=', 1) for a in sys.argv[1:])
    minutes = float(args.get('minutes', '30'))
    out = args.get('out', '/tmp/torch-dcgan.npy')
    torch.manual_seed(int(args.get('seed', '0')))
    torch.set_num_threads(2)
    data = torch.from_numpy(np.load(args['data']).astype(np.float32))
    _, channels, size, _ = data.shape
    G, D = example_networks(size, channels)
    G.apply(weights_init)
    D.apply(weights_init)
    optG = torch.optim.Adam(G.parameters(), lr=2e-4, betas=(0.5, 0.999))
    optD = torch.optim.Adam(D.parameters(), lr=2e-4, betas=(0.5, 0.999))
    bce = nn.BCEWithLogitsLoss()
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(data), batch_size=64, shuffle=True, drop_last=True)
    ones, zeros = torch.ones(64, 1), torch.zeros(64, 1)
    start = time.time()
    steps = 0
    done = False
    while not done:
        for (real,) in loader:
            gan_step(G, D, optG, optD, bce, real, torch.randn(64, 100), ones, zeros)
            steps += 1
            if time.time() - start >= minutes * 60:
                done = True
                break
    G.eval()
    with torch.no_grad():
        samples = torch.cat([G(torch.randn(500, 100)) for _ in range(20)]).numpy().astype(np.float32)
    np.save(out, samples)
    params = sum(p.numel() for p in G.parameters()), sum(p.numel() for p in D.parameters())
    print(json.dumps({'steps': steps, 'minutes': minutes, 'size': size, 'channels': channels, 'params': params,
                      'train_images': len(data), 'samples': out, 'torch': torch.__version__}), flush=True)


if __name__ == '__main__':
    main()
