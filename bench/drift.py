#!/usr/bin/python3
"""NumPy/SciPy side of the drift bench, one measured run: for each feature, np.load the
reference and current columns (.npy, as Debian's Python here has no pyarrow to read Parquet),
then what Evidently computes above 1,000 reference rows: PSI over Sturges bins of both samples
(np.histogram_bin_edges + np.histogram, empty bins floored), scipy.stats.wasserstein_distance
/ max(np.std(ref), 0.001), and scipy.stats.ks_2samp for comparison. Evidently's distinct-value
counts (pandas nunique) are left out, which favours this side. Prints one JSON line.
Usage: /usr/bin/python3 bench/drift.py <dir> <features>
"""
import json
import os
import resource
import sys
import time

import numpy as np
from scipy import stats

d, features = sys.argv[1], int(sys.argv[2])
read_ms = drift_ms = 0.0
checksum = {'psi': 0.0, 'wasserstein': 0.0, 'ks': 0.0}
for i in range(features):
    t = time.perf_counter()
    ref = np.load(os.path.join(d, f'reference.f{i}.npy'))
    cur = np.load(os.path.join(d, f'current.f{i}.npy'))
    read_ms += (time.perf_counter() - t) * 1000
    t = time.perf_counter()
    bins = np.histogram_bin_edges(np.concatenate([ref, cur]), bins='sturges')
    r = np.histogram(ref, bins)[0] / len(ref)
    c = np.histogram(cur, bins)[0] / len(cur)
    for p in (r, c):
        m = min(p[p != 0])
        np.place(p, p == 0, m / 10**6 if m <= 0.0001 else 0.0001)
    psi = float(np.sum((r - c) * np.log(r / c)))
    w = float(stats.wasserstein_distance(ref, cur) / max(np.std(ref), 0.001))
    ks = stats.ks_2samp(ref, cur)
    drift_ms += (time.perf_counter() - t) * 1000
    checksum['psi'] += psi
    checksum['wasserstein'] += w
    checksum['ks'] += float(ks.statistic)
rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({'read_ms': read_ms, 'drift_ms': drift_ms, 'rss_mb': rss_mb, 'checksum': checksum}))
