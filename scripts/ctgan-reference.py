#!/usr/bin/python3
"""Fits the authors' CTGAN (../shared/peers/ctgan, v0.2.1) on a train CSV and samples rows from it.

    /usr/bin/python3 scripts/ctgan-reference.py --train bench/tables/penguins/train.csv \
        --columns bench/tables/penguins/columns.json --epochs 300 --seed 0 --rows 275 \
        --out bench/tables/penguins/ctgan.csv [--threads 1]

Prints one JSON line (after CTGAN's own per-epoch lines: keep the last line) with fit seconds (wall clock, and CPU seconds of every thread: on a shared machine
the second is the steadier figure), sample seconds, epochs, seed, rows. CTGAN v0.2.1 takes neither missing
values nor dates, so the table is prepared the way SDV prepares it for CTGAN (RDT's defaults):
a numeric or datetime column with gaps is filled with its mean and gets a 0/1 "<name>.is_null"
column that CTGAN models as a discrete column (cells where it comes back 1 are left empty); a
categorical gap is a category of its own; datetimes are modelled as days since 1970; samples of
integer columns are rounded and every numeric column is clipped to its training range (SDV's
enforce_rounding and enforce_min_max_values). Categorical and boolean columns are CTGAN's
discrete columns. Defaults of the model are the authors' (embedding 128, (256, 256), batch 500).
"""
import argparse
import json
import os
import random
import sys
import time

import numpy as np
import pandas as pd
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', '..', 'shared', 'peers', 'ctgan'))
from ctgan.synthesizer import CTGANSynthesizer  # noqa: E402

MISSING = '__missing__'
DAY_MS = 86400000.0


def prepare(frame, kinds):
    """The table as CTGAN can take it, the discrete columns, and what undoing it needs."""
    out = pd.DataFrame(index=frame.index)
    discrete = []
    for name, kind in kinds.items():
        col = frame[name]
        if kind in ('categorical', 'boolean'):
            out[name] = col.fillna(MISSING).astype(str)
            discrete.append(name)
            continue
        if kind == 'datetime':
            col = pd.to_datetime(col, utc=True).map(lambda t: np.nan if pd.isna(t) else t.value / 1e6 / DAY_MS)
        col = col.astype(float)
        if col.isna().any():
            out[name + '.is_null'] = col.isna().astype(int).astype(str)
            discrete.append(name + '.is_null')
        out[name] = col.fillna(col.mean())
    ranges = {n: (out[n].min(), out[n].max()) for n, k in kinds.items() if k not in ('categorical', 'boolean')}
    return out, discrete, ranges


def restore(sampled, kinds, ranges, formats):
    """Samples back in the table's own columns, kinds and forms."""
    out = pd.DataFrame(index=sampled.index)
    for name, kind in kinds.items():
        col = sampled[name]
        if kind in ('categorical', 'boolean'):
            out[name] = col.astype(str).replace(MISSING, '')
            continue
        lo, hi = ranges[name]
        col = col.astype(float).clip(lo, hi)
        if kind == 'integer':
            col = col.round().astype('Int64')
        if kind == 'datetime':
            stamps = pd.to_datetime((col * DAY_MS).round(), unit='ms', utc=True)
            fmt = '%Y-%m-%d' if formats.get(name) == 'date' else '%Y-%m-%dT%H:%M:%S.%fZ'
            col = stamps.dt.strftime(fmt)
        if name + '.is_null' in sampled:
            col = col.astype(object).where(sampled[name + '.is_null'].astype(str) != '1', None)
        out[name] = col
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--train', required=True)
    ap.add_argument('--columns', required=True, help='columns.json: [{"name", "kind"}] (scripts/table-split.ts writes it)')
    ap.add_argument('--epochs', type=int, default=300)
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--rows', type=int, help='rows to sample (default: as many as the training table)')
    ap.add_argument('--out', required=True)
    ap.add_argument('--threads', type=int, default=1, help='torch threads (default 1: leaves a core of a shared machine free)')
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)

    with open(args.columns) as f:
        kinds = {c['name']: c['kind'] for c in json.load(f)}
    dtypes = {n: str for n, k in kinds.items() if k in ('categorical', 'boolean', 'datetime')}
    frame = pd.read_csv(args.train, dtype=dtypes, keep_default_na=False, na_values=[''])
    formats = {n: ('date' if frame[n].dropna().str.len().eq(10).all() else 'iso') for n, k in kinds.items() if k == 'datetime'}
    table, discrete, ranges = prepare(frame, kinds)

    model = CTGANSynthesizer()
    t0, c0 = time.perf_counter(), time.process_time()
    model.fit(table, discrete_columns=discrete, epochs=args.epochs)
    fit_seconds, fit_cpu_seconds = time.perf_counter() - t0, time.process_time() - c0
    rows = args.rows or len(frame)
    t1 = time.perf_counter()
    sampled = model.sample(rows)
    sample_seconds = time.perf_counter() - t1

    restore(sampled, kinds, ranges, formats).to_csv(args.out + '.tmp', index=False)
    os.replace(args.out + '.tmp', args.out)
    print(json.dumps({
        'model': 'CTGAN v0.2.1 (authors)', 'train': args.train, 'train_rows': len(frame),
        'epochs': args.epochs, 'seed': args.seed, 'rows': rows, 'threads': torch.get_num_threads(),
        'fit_seconds': round(fit_seconds, 2), 'fit_cpu_seconds': round(fit_cpu_seconds, 2),
        'load_average': round(os.getloadavg()[0], 1), 'sample_seconds': round(sample_seconds, 3),
    }))


if __name__ == '__main__':
    main()
