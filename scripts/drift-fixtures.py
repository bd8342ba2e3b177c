#!/usr/bin/python3
"""Expected values for src/drift/stats from SciPy/NumPy, computed the way Evidently does.

Run with Debian's python3 (numpy, scipy; no pandas): /usr/bin/python3 scripts/drift-fixtures.py
Writes src/drift/stats/fixtures/drift.json. The tests read it and never need Python.
"""
import json
import os
import numpy as np
import scipy
from scipy import stats
from scipy.spatial import distance

rng = np.random.default_rng(20240611)
OUT = os.path.join(os.path.dirname(__file__), '..', 'src', 'drift', 'stats', 'fixtures', 'drift.json')


def fl(a):
    return [float(x) for x in a]


def binned(ref, cur, numerical, feel_zeroes=True):
    """Evidently's get_binned_data without pandas: Sturges over the concatenation when the
    reference has more than 20 distinct values, value bins otherwise."""
    if numerical and len(np.unique(ref)) > 20:
        bins = np.histogram_bin_edges(np.concatenate([ref, cur]), bins='sturges')
        r = np.histogram(ref, bins)[0] / len(ref)
        c = np.histogram(cur, bins)[0] / len(cur)
    else:
        keys = sorted(set(ref.tolist()) | set(cur.tolist()))
        r = np.array([np.sum(ref == k) for k in keys]) / len(ref)
        c = np.array([np.sum(cur == k) for k in keys]) / len(cur)
    if feel_zeroes:
        for p in (r, c):
            m = min(p[p != 0])
            np.place(p, p == 0, m / 10**6 if m <= 0.0001 else 0.0001)
    return r, c


def psi_of(r, c):
    return float(np.sum((r - c) * np.log(r / c)))


def psi_counts(rc, cc):
    r = np.asarray(rc, float) / np.sum(rc)
    c = np.asarray(cc, float) / np.sum(cc)
    for p in (r, c):
        m = min(p[p != 0])
        np.place(p, p == 0, m / 10**6 if m <= 0.0001 else 0.0001)
    return psi_of(r, c)


def ks_case(a, b, name, inline=True):
    res = stats.ks_2samp(a, b)
    case = {'name': name, 'statistic': float(res.statistic), 'pvalue': float(res.pvalue)}
    if inline:
        case['ref'] = fl(a)
        case['cur'] = fl(b)
    return case


fx = {'scipy': scipy.__version__, 'numpy': np.__version__}

# KS with data inline (exact: max(n1, n2) <= 10000)
ks = [
    ks_case(rng.normal(size=20), rng.normal(0.5, 1, size=25), 'normal 20 vs 25 shifted'),
    ks_case(rng.normal(size=50), rng.normal(size=50), 'equal sizes 50'),
    ks_case(rng.normal(size=100), rng.normal(0.3, 1.2, size=37), '100 vs 37'),
    ks_case(rng.integers(0, 8, size=120).astype(float), rng.integers(0, 9, size=90).astype(float), 'ties'),
    ks_case(rng.normal(size=300), rng.normal(1.0, 1, size=200), 'small p-value'),
    ks_case(np.array([1.0]), np.array([2.0]), 'one value each'),
]
# KS on formula data both sides can build: ref[i] = i/n1, cur[j] = (j/n2)^2 (+ shift)
formula = []
# square=False: cur[j] = j/n2 + shift instead, for p-values away from 0
for n1, n2, shift, square in [(10000, 9000, 0.0, True), (3000, 2999, 0.01, True), (12000, 11000, 0.0, True),
                              (20000, 150, 0.02, True), (15000, 60, 0.0, True), (200000, 180000, 0.0005, True),
                              (9000, 7000, 0.012, False), (12000, 11000, 0.012, False), (12000, 11000, 0.03, False),
                              (50000, 40000, 0.004, False), (300000, 250000, 0.002, False), (20000, 150, 0.08, False),
                              (15000, 60, 0.1, False), (11000, 400, 0.05, False)]:
    a = np.arange(n1) / n1
    j = np.arange(n2) / n2
    b = (j * j if square else j) + shift
    c = ks_case(a, b, f'formula {n1} vs {n2}{" squared" if square else ""} + {shift}', inline=False)
    c.update({'n1': n1, 'n2': n2, 'shift': shift, 'square': square})
    formula.append(c)
fx['ks'] = ks
fx['ksFormula'] = formula

# kstwo.sf over every branch of SciPy's _kolmogn
grid = []
for n in [1, 2, 5, 20, 50, 100, 140, 141, 500, 5000, 60000, 100000, 150000, 2000000]:
    for d in [0.3 / n, 0.7 / n, 1.0 / n, 1.5 / n, 0.5 / np.sqrt(n), 0.8 / np.sqrt(n), 1.2 / np.sqrt(n),
              1.6 / np.sqrt(n), 2.0 / np.sqrt(n), 3.0 / np.sqrt(n), 5 / np.sqrt(n), 0.45, 0.6, 0.95, 1 - 0.5 / n]:
        if 0 < d < 1:
            grid.append({'n': n, 'd': float(d), 'sf': float(stats.kstwo.sf(d, n))})
fx['kstwo'] = grid

# Sturges edges and NumPy histogram counts
hist = []
for ref, cur in [(rng.normal(size=500), rng.normal(0.2, 1, size=400)),
                 (rng.exponential(size=1024), rng.exponential(1.3, size=1024)),
                 (np.array([3.0] * 10), np.array([3.0] * 5)),
                 (rng.uniform(-5, 5, size=37), rng.uniform(-4, 7, size=91))]:
    edges = np.histogram_bin_edges(np.concatenate([ref, cur]), bins='sturges')
    hist.append({'ref': fl(ref), 'cur': fl(cur), 'edges': fl(edges),
                 'refCounts': fl(np.histogram(ref, edges)[0]), 'curCounts': fl(np.histogram(cur, edges)[0])})
fx['sturges'] = hist

q = rng.normal(size=333)
fx['quantiles'] = {'values': fl(q), 'k': 10, 'quantiles': fl(np.quantile(q, np.linspace(0, 1, 11)))}

# PSI: from samples (Evidently's binning) and from counts (its zero floor, both rules)
psis = []
for ref, cur, num in [(rng.normal(size=800), rng.normal(0.3, 1.1, size=700), True),
                      (rng.integers(0, 6, size=500).astype(float), rng.integers(1, 7, size=300).astype(float), True),
                      (rng.lognormal(size=2000), rng.lognormal(0.1, 1, size=1500), True)]:
    r, c = binned(ref, cur, num)
    psis.append({'ref': fl(ref), 'cur': fl(cur), 'psi': psi_of(r, c)})
fx['psiSamples'] = psis
fx['psiCounts'] = [
    {'ref': rc, 'cur': cc, 'psi': psi_counts(rc, cc)}
    for rc, cc in [([50, 30, 20], [40, 40, 20]), ([100, 0, 50, 25], [80, 10, 0, 35]),
                   ([1000000, 3, 50], [999000, 0, 400]), ([10, 20, 30, 40, 50], [50, 40, 30, 20, 10])]
]

# chi-square (Evidently: chisquare(cur, ref * Σcur/Σref))
chis = []
for rc, cc in [([50, 30, 20], [40, 40, 20]), ([120, 80, 60, 40], [100, 100, 50, 50]),
               ([5, 5, 5, 5, 5, 5], [3, 8, 2, 7, 4, 6]), ([1000, 2000, 3000], [1100, 1900, 3050])]:
    f_exp = np.array(rc, float) * (np.sum(cc) / np.sum(rc))
    s, p = stats.chisquare(np.array(cc, float), f_exp)
    chis.append({'ref': rc, 'cur': cc, 'statistic': float(s), 'pvalue': float(p), 'df': len(rc) - 1})
fx['chisquare'] = chis
fx['chi2sf'] = [{'x': x, 'df': df, 'sf': float(stats.chi2.sf(x, df))}
                for x, df in [(0.5, 1), (3.841458820694124, 1), (10, 3), (100, 50), (30, 2), (1e-3, 5), (200, 150)]]

# two-proportion Z (Evidently's formula; p as 2·sf(|z|), equal to 2·(1 − cdf(|z|)))
zs = []
for r1, n1, r2, n2 in [(30, 100, 45, 100), (500, 1000, 520, 1000), (3, 10, 9, 12), (1, 500, 40, 600)]:
    p1, p2 = r1 / n1, r2 / n2
    P = (p1 * n1 + p2 * n2) / (n1 + n2)
    z = (p1 - p2) / np.sqrt(P * (1 - P) * (1.0 / n1 + 1.0 / n2))
    zs.append({'refHits': r1, 'refTotal': n1, 'curHits': r2, 'curTotal': n2, 'statistic': float(z),
               'pvalue': float(2 * stats.norm.sf(abs(z))), 'evidently': float(2 * (1 - stats.norm.cdf(abs(z))))})
fx['z'] = zs

# Wasserstein normed (Evidently: W1 / max(np.std(ref), 0.001))
ws = []
for ref, cur in [(rng.normal(size=400), rng.normal(0.2, 1, size=300)), (rng.exponential(size=50), rng.exponential(2, size=70)),
                 (np.array([2.0] * 20), np.array([2.0] * 10 + [2.5] * 5)), (rng.integers(0, 4, 60).astype(float), rng.integers(0, 5, 40).astype(float))]:
    ws.append({'ref': fl(ref), 'cur': fl(cur),
               'value': float(stats.wasserstein_distance(ref, cur) / max(np.std(ref), 0.001))})
fx['wasserstein'] = ws

# Jensen–Shannon distance (scipy default base e) on counts, as Evidently on unfloored proportions
fx['jensenshannon'] = [
    {'ref': rc, 'cur': cc, 'value': float(distance.jensenshannon(np.array(rc, float) / sum(rc), np.array(cc, float) / sum(cc)))}
    for rc, cc in [([50, 30, 20], [40, 40, 20]), ([1, 0], [0, 1]), ([10, 0, 5], [3, 4, 0]), ([7, 7, 7], [7, 7, 7])]
]

# whole columns: Evidently's chosen test's value and PSI
cols = []
def col(name, ref, cur, numerical, test):
    if test == 'ks':
        value = float(stats.ks_2samp(ref, cur).pvalue)
    elif test == 'wasserstein':
        value = float(stats.wasserstein_distance(ref, cur) / max(np.std(ref), 0.001))
    elif test == 'jensenshannon':
        r, c = binned(ref, cur, numerical, feel_zeroes=False)
        value = float(distance.jensenshannon(r, c))
    elif test == 'chisquare':
        keys = sorted(set(ref.tolist()) | set(cur.tolist()))
        rc = np.array([np.sum(ref == k) for k in keys], float)
        cc = np.array([np.sum(cur == k) for k in keys], float)
        value = float(stats.chisquare(cc, rc * len(cur) / len(ref))[1])
    r, c = binned(ref, cur, numerical)
    cols.append({'name': name, 'ref': ref.tolist(), 'cur': cur.tolist(), 'numerical': numerical,
                 'test': test, 'value': value, 'psi': psi_of(r, c)})

col('num small', rng.normal(size=600), rng.normal(0.15, 1, size=500), True, 'ks')
col('num large', rng.gamma(2.0, size=1500), rng.gamma(2.2, size=1200), True, 'wasserstein')
col('num 4 values', rng.integers(0, 4, 800).astype(float), rng.integers(0, 4, 700).astype(float), True, 'chisquare')
col('num large few values', rng.integers(0, 4, 1500).astype(float), rng.integers(1, 5, 1100).astype(float), True, 'jensenshannon')
cats = np.array(['a', 'b', 'c', 'd'])
col('cat small', rng.choice(cats, 500, p=[.4, .3, .2, .1]), rng.choice(cats, 400, p=[.3, .3, .2, .2]), False, 'chisquare')
col('cat large', rng.choice(cats, 3000, p=[.4, .3, .2, .1]), rng.choice(np.array(['a', 'b', 'c', 'e']), 2000, p=[.4, .3, .2, .1]), False, 'jensenshannon')
fx['columns'] = cols

with open(OUT, 'w') as f:
    json.dump(fx, f, separators=(',', ':'))
    f.write('\n')
print(f'wrote {os.path.relpath(OUT)}: {os.path.getsize(OUT)} bytes')
