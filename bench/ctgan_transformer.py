"""The authors' DataTransformer (../shared/peers/ctgan/ctgan/transformer.py) on a CSV table, timed:
read (pandas), fit (one BayesianGaussianMixture per continuous column, one-hot encoders) and transform.

    /usr/bin/python3 bench/ctgan_transformer.py TABLE.csv DISCRETE_COLUMNS DATETIME_COLUMNS

DISCRETE_COLUMNS and DATETIME_COLUMNS are comma-separated names. The transformer knows no
datetimes and no missing values: datetimes become milliseconds since the epoch, missing numbers the
column's median and missing categories the label "NA". Prints one JSON line of wall and CPU times (ms) and peak RSS (MB).
"""
import json
import os
import resource
import sys
import time
import warnings

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..', 'shared', 'peers', 'ctgan'))
warnings.filterwarnings('ignore')

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from ctgan.transformer import DataTransformer  # noqa: E402

path, discrete, datetimes = sys.argv[1], [c for c in sys.argv[2].split(',') if c], [c for c in sys.argv[3].split(',') if c]
np.random.seed(0)
c0 = time.process_time()
t0 = time.time()
data = pd.read_csv(path)
for c in datetimes:
    data[c] = pd.to_datetime(data[c]).astype('int64') / 1e6
for c in data.columns:
    if c in discrete:
        data[c] = data[c].astype(str).where(data[c].notna(), 'NA')
    else:
        data[c] = data[c].fillna(data[c].median())
t1 = time.time()
c1 = time.process_time()
transformer = DataTransformer()
transformer.fit(data, discrete)
t2 = time.time()
c2 = time.process_time()
encoded = transformer.transform(data)
t3 = time.time()
c3 = time.process_time()
print(json.dumps({
    'read_ms': (t1 - t0) * 1000, 'fit_ms': (t2 - t1) * 1000, 'transform_ms': (t3 - t2) * 1000,
    'read_cpu_ms': (c1 - c0) * 1000, 'fit_cpu_ms': (c2 - c1) * 1000, 'transform_cpu_ms': (c3 - c2) * 1000,
    'width': int(encoded.shape[1]), 'peak_rss_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
