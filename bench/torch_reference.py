"""PyTorch CPU reference for tsgan's benchmarks: the same networks and training step.

One step = D update on a real batch and G(z), then G update through the updated D; Adam(lr 2e-4,
betas 0.5/0.999); fresh z each step; real data uniform in [-1, 1]. The loss is non-saturating BCE
except for sngan32 (hinge). Prints one JSON line per config: {"config", "batch", "ms_per_step"
(median), "steps", "threads"}. `python3 bench/torch_reference.py counts` prints each config's
parameter counts instead (test/gan/image-nets.test.ts holds them).
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


def dcgan_example(size=64, ngf=64, nc=3, latent=100):
    """The PyTorch DCGAN example's networks (pytorch/examples dcgan/main.py), at 64x64 exactly; other
    power-of-two sizes with one up/down layer per doubling (ngf = ndf, channels doubling per halving)."""
    def up(i, o, bn=True):
        return [nn.ConvTranspose2d(i, o, 4, 2, 1, bias=False)] + ([nn.BatchNorm2d(o), nn.ReLU(True)] if bn else [])

    def down(i, o, bn=True):
        return [nn.Conv2d(i, o, 4, 2, 1, bias=False)] + ([nn.BatchNorm2d(o)] if bn else []) + [nn.LeakyReLU(0.2, inplace=True)]

    n = size.bit_length() - 3  # doublings from 4x4
    top = ngf * 2 ** (n - 1)
    g = [nn.Unflatten(1, (latent, 1, 1)), nn.ConvTranspose2d(latent, top, 4, 1, 0, bias=False), nn.BatchNorm2d(top), nn.ReLU(True)]
    for i in range(n - 1):
        g += up(top // 2 ** i, top // 2 ** (i + 1))
    G = nn.Sequential(*g, *up(ngf, nc, bn=False), nn.Tanh())
    d = down(nc, ngf, bn=False)
    for i in range(n - 1):
        d += down(ngf * 2 ** i, ngf * 2 ** (i + 1))
    D = nn.Sequential(*d, nn.Conv2d(top, 1, 4, 1, 0, bias=False), nn.Flatten())
    G.apply(weights_init)
    D.apply(weights_init)
    return G, D, (nc, size, size)


def dcgan64():
    return dcgan_example(64, 64, 3)


def weights_init(m):
    """The DCGAN example's initialisation: conv weights N(0, 0.02), batch-norm scales N(1, 0.02)."""
    name = m.__class__.__name__
    if 'Conv' in name:
        nn.init.normal_(m.weight, 0.0, 0.02)
    elif 'BatchNorm' in name:
        nn.init.normal_(m.weight, 1.0, 0.02)
        nn.init.zeros_(m.bias)


class Residual(nn.Module):
    def __init__(self, body, shortcut):
        super().__init__()
        self.body, self.shortcut = body, shortcut

    def forward(self, x):
        return self.body(x) + self.shortcut(x)


class SumOverSpace(nn.Module):
    def forward(self, x):
        return x.sum(dim=(2, 3))


def sngan(size=32, g_width=256, d_width=128, nc=3, latent=128):
    """The CIFAR-10 SNGAN ResNet (Miyato et al. 2018) at 32x32: G of 256 channels, D of 128, spectral
    norm on every D layer. Larger sizes as tsgan builds them: one more up-block (G) and down-block (D)
    per doubling, channels halved per doubling above 32 (G) and 16 (D)."""
    sn = nn.utils.spectral_norm
    up = lambda: nn.Upsample(scale_factor=2, mode='nearest')
    g_ch = lambda r: g_width if r <= 32 else -(-g_width * 32 // r)
    d_ch = lambda r: d_width if r <= 16 else -(-d_width * 16 // r)

    def g_block(i, o):
        return Residual(nn.Sequential(nn.BatchNorm2d(i), nn.ReLU(), up(), nn.Conv2d(i, o, 3, 1, 1), nn.BatchNorm2d(o), nn.ReLU(),
                                      nn.Conv2d(o, o, 3, 1, 1)), nn.Sequential(up(), nn.Conv2d(i, o, 1)))

    def d_block(i, o, first=False, down=False):
        convs = [sn(nn.Conv2d(i, o, 3, 1, 1)), nn.ReLU(), sn(nn.Conv2d(o, o, 3, 1, 1))]
        if first:
            return Residual(nn.Sequential(*convs, nn.AvgPool2d(2)), nn.Sequential(nn.AvgPool2d(2), sn(nn.Conv2d(i, o, 1))))
        body = [nn.ReLU(), *convs] + ([nn.AvgPool2d(2)] if down else [])
        return Residual(nn.Sequential(*body), nn.Sequential(sn(nn.Conv2d(i, o, 1)), *([nn.AvgPool2d(2)] if down else [])))

    sides = [2 ** k for k in range(3, size.bit_length())]  # 8 .. size
    g = [nn.Linear(latent, 4 * 4 * g_ch(4)), nn.Unflatten(1, (g_ch(4), 4, 4))] + [g_block(g_ch(r // 2), g_ch(r)) for r in sides]
    G = nn.Sequential(*g, nn.BatchNorm2d(g_ch(size)), nn.ReLU(), nn.Conv2d(g_ch(size), nc, 3, 1, 1), nn.Tanh())
    d = [d_block(nc, d_ch(size // 2), first=True)] + [d_block(d_ch(r * 2), d_ch(r), down=True) for r in reversed(sides[:-2])]
    D = nn.Sequential(*d, d_block(d_ch(8), d_ch(8)), d_block(d_ch(8), d_ch(8)), nn.ReLU(), SumOverSpace(), sn(nn.Linear(d_ch(8), 1)))
    return G, D, (nc, size, size)


def sngan32():
    return sngan(32)


CONFIGS = {'mlp': mlp, 'dcgan': dcgan, 'dcgan64': dcgan64, 'sngan32': sngan32}
# Latent size and loss of each config (default 100, BCE).
LATENT = {'sngan32': 128}
HINGE = {'sngan32'}


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


def hinge_step(G, D, optG, optD, real, z):
    """SNGAN's iteration with the hinge loss: D on [real; G(z)] in one pass with G frozen, then G through the updated D."""
    fake = G(z)
    optD.zero_grad()
    logits = D(torch.cat([real, fake.detach()]))
    n = real.shape[0]
    lossD = torch.relu(1 - logits[:n]).mean() + torch.relu(1 + logits[n:]).mean()
    lossD.backward()
    optD.step()
    optG.zero_grad()
    lossG = -D(fake).mean()
    lossG.backward()
    optG.step()
    return lossD, lossG


def param_counts():
    """The parameter counts test/gan/image-nets.test.ts compares tsgan's networks with."""
    count = lambda m: sum(p.numel() for p in m.parameters())
    nets = {name: build() for name, build in CONFIGS.items()}
    for size in (16, 32, 128):
        nets[f'dcgan{size} ngf=8 nc=3'] = dcgan_example(size, 8, 3)
    nets['dcgan16 ngf=8 nc=1'] = dcgan_example(16, 8, 1)
    nets['sngan64 g=16 d=16'] = sngan(64, 16, 16)
    nets['sngan32 g=16 d=16 nc=1'] = sngan(32, 16, 16, nc=1)
    for name, (G, D, _) in nets.items():
        print(json.dumps({'config': name, 'G': count(G), 'D': count(D)}))


def train_for_minutes(G, D, data, minutes, batch=64, latent=100):
    """The DCGAN example's loop on a tensor of training images for a wall-clock budget (Adam 2e-4 /
    (0.5, 0.999), BCE, shuffled batches); returns the steps run and 10,000 samples of G (eval mode)."""
    optG = torch.optim.Adam(G.parameters(), lr=2e-4, betas=(0.5, 0.999))
    optD = torch.optim.Adam(D.parameters(), lr=2e-4, betas=(0.5, 0.999))
    bce = nn.BCEWithLogitsLoss()
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(data), batch_size=batch, shuffle=True, drop_last=True)
    ones, zeros = torch.ones(batch, 1), torch.zeros(batch, 1)
    start = time.time()
    steps = 0
    while True:
        for (real,) in loader:
            gan_step(G, D, optG, optD, bce, real, torch.randn(batch, latent), ones, zeros)
            steps += 1
            if time.time() - start >= minutes * 60:
                G.eval()
                with torch.no_grad():
                    return steps, torch.cat([G(torch.randn(500, latent)) for _ in range(20)]).numpy()


def run(name, batch, steps, warmup):
    torch.manual_seed(0)
    G, D, shape = CONFIGS[name]()
    latent = LATENT.get(name, 100)
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
        z = torch.randn(batch, latent)
        if name in HINGE:
            lossD, lossG = hinge_step(G, D, optG, optD, real, z)
        else:
            lossD, lossG = gan_step(G, D, optG, optD, bce, real, z, ones, zeros)
        float(lossD) + float(lossG)
        if i >= warmup:
            times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main():
    if sys.argv[1:] == ['counts']:
        return param_counts()
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
