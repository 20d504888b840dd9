"""PyTorch CPU reference for tsgan's benchmarks: the same networks and training step.

One step = D update on a real batch and G(z) with non-saturating BCE, then G update through the
updated D; Adam(lr 2e-4, betas 0.5/0.999); fresh z each step; real data uniform in [-1, 1].
Prints one JSON line per config: {"config", "batch", "ms_per_step" (median), "steps", "threads"}.
"""
import json
import statistics
import sys
import time

import torch
import torch.nn as nn


def mlp():
    G = nn.Sequential(nn.Linear(100, 256), nn.LeakyReLU(0.2), nn.Linear(256, 512), nn.LeakyReLU(0.2),
                      nn.Linear(512, 784), nn.Tanh())
    D = nn.Sequential(nn.Linear(784, 512), nn.LeakyReLU(0.2), nn.Linear(512, 256), nn.LeakyReLU(0.2),
                      nn.Linear(256, 1))
    return G, D, (784,)


def dcgan():
    G = nn.Sequential(nn.Linear(100, 6272, bias=False), nn.BatchNorm1d(6272), nn.ReLU(),
                      nn.Unflatten(1, (128, 7, 7)),
                      nn.ConvTranspose2d(128, 64, 4, 2, 1, bias=False), nn.BatchNorm2d(64), nn.ReLU(),
                      nn.ConvTranspose2d(64, 1, 4, 2, 1), nn.Tanh())
    D = nn.Sequential(nn.Conv2d(1, 64, 4, 2, 1), nn.LeakyReLU(0.2), nn.Conv2d(64, 128, 4, 2, 1),
                      nn.LeakyReLU(0.2), nn.Flatten(), nn.Linear(6272, 1))
    return G, D, (1, 28, 28)


CONFIGS = {'mlp': mlp, 'dcgan': dcgan}


def gan_step(G, D, optG, optD, bce, real, z, ones, zeros):
    """One iteration: D on real (1) and G(z) (0) with G frozen, then G through the updated D."""
    fake = G(z)
    optD.zero_grad()
    lossD = bce(D(real), ones) + bce(D(fake.detach()), zeros)
    lossD.backward()
    optD.step()
    optG.zero_grad()
    lossG = bce(D(fake), ones)
    lossG.backward()
    optG.step()
    return lossD, lossG


def run(name, batch, steps, warmup):
    torch.manual_seed(0)
    G, D, shape = CONFIGS[name]()
    optG = torch.optim.Adam(G.parameters(), lr=2e-4, betas=(0.5, 0.999))
    optD = torch.optim.Adam(D.parameters(), lr=2e-4, betas=(0.5, 0.999))
    bce = nn.BCEWithLogitsLoss()
    ones = torch.ones(batch, 1)
    zeros = torch.zeros(batch, 1)
    pool = [torch.rand(batch, *shape) * 2 - 1 for _ in range(8)]
    times = []
    for i in range(warmup + steps):
        t0 = time.perf_counter()
        real = pool[i % len(pool)]
        lossD, lossG = gan_step(G, D, optG, optD, bce, real, torch.randn(batch, 100), ones, zeros)
        float(lossD) + float(lossG)
        if i >= warmup:
            times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main():
    args = dict(a.split('=', 1) for a in sys.argv[1:])
    threads = int(args.get('threads', '2'))
    torch.set_num_threads(threads)
    batch = int(args.get('batch', '64'))
    for name in args.get('only', 'mlp,dcgan').split(','):
        steps = int(args.get('steps', '100'))
        warmup = int(args.get('warmup', '10'))
        ms = run(name, batch, steps, warmup)
        print(json.dumps({'config': name, 'batch': batch, 'ms_per_step': round(ms, 3), 'steps': steps,
                          'threads': threads, 'torch': torch.__version__}), flush=True)


if __name__ == '__main__':
    main()
