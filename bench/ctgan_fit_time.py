"""The authors' CTGAN (../shared/peers/ctgan, v0.2.1) fitting a CSV, timed: the reference for
bench/ctgan-fit.ts. The table must have no missing values (CTGAN 0.2.1 takes none).

    /usr/bin/python3 bench/ctgan_fit_time.py --csv table.csv --discrete a,b --epochs 10 [--seed 0]

Prints one JSON line: seconds of fit (wall and CPU, all threads; of it: fitting and applying the encoding, and training), per epoch, peak RSS (MiB), seconds to sample 100,000 rows.
"""
import argparse
import json
import os
import resource
import sys
import time

parser = argparse.ArgumentParser()
parser.add_argument('--csv', required=True)
parser.add_argument('--discrete', default='')
parser.add_argument('--epochs', type=int, default=300)
parser.add_argument('--seed', type=int, default=0)
parser.add_argument('--threads', type=int, default=2)
parser.add_argument('--sample', type=int, default=100000)
args = parser.parse_args()

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'shared', 'peers', 'ctgan'))
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import torch  # noqa: E402
from ctgan import CTGANSynthesizer  # noqa: E402
from ctgan import synthesizer as ctgan_synthesizer  # noqa: E402

# The time spent fitting and applying the mode-specific normalisation, to tell it from training.
transform_s = [0.0]


def timed(f):
    def wrapper(*a, **k):
        t = time.perf_counter()
        try:
            return f(*a, **k)
        finally:
            transform_s[0] += time.perf_counter() - t
    return wrapper


ctgan_synthesizer.DataTransformer.fit = timed(ctgan_synthesizer.DataTransformer.fit)
ctgan_synthesizer.DataTransformer.transform = timed(ctgan_synthesizer.DataTransformer.transform)

torch.set_num_threads(args.threads)
torch.manual_seed(args.seed)
np.random.seed(args.seed)
data = pd.read_csv(args.csv)
discrete = [c for c in args.discrete.split(',') if c]
model = CTGANSynthesizer()
t0 = time.perf_counter()
c0 = time.process_time()
model.fit(data, discrete, epochs=args.epochs)
fit = time.perf_counter() - t0
fit_cpu = time.process_time() - c0
encode = transform_s[0]
t1 = time.perf_counter()
model.sample(args.sample)
sample = time.perf_counter() - t1
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({'side': 'ctgan-0.2.1', 'rows': len(data), 'columns': data.shape[1], 'epochs': args.epochs,
                  'fit_s': round(fit, 2), 'fit_cpu_s': round(fit_cpu, 2), 'encode_s': round(encode, 2), 'train_s': round(fit - encode, 2),
                  's_per_epoch': round(fit / args.epochs, 3), 'train_s_per_epoch': round((fit - encode) / args.epochs, 3),
                  'peak_rss_mib': round(rss), 'sample_s': round(sample, 2), 'sample_rows': args.sample}))
