#!/usr/bin/python3
"""
pandas' side of the point-in-time join bench: the same inputs (as CSV: no pyarrow here),
the same semantics as scripts/pit-fixtures.py (sort each view by event time then created,
merge_asof backward with exact matches, null what is older than the ttl, entity order kept).
Prints one JSON line: read and join times, peak RSS, and the checksum ours must agree with.
Usage: /usr/bin/python3 bench/features-join.py <dir> <plan.json>
"""
import json
import resource
import sys
import time

import numpy as np
import pandas as pd

folder, plan_file = sys.argv[1], sys.argv[2]
with open(plan_file) as f:
    views = json.load(f)


def read(name, created, features):
    dtype = {'key': 'int64', 'event_timestamp': 'int64'}
    if created:
        dtype['created'] = 'int64'
    if features:
        dtype.update({'a': 'float64', 'b': 'int64'})
    df = pd.read_csv(f'{folder}/{name}.csv', dtype=dtype, engine='c')
    df['event_timestamp'] = pd.to_datetime(df.event_timestamp, unit='ms')
    if created:
        df['created'] = pd.to_datetime(df.created, unit='ms')
    return df


t0 = time.perf_counter()
entities = read('entities', False, False)
sources = {v['name']: read(v['name'], v['created'], True) for v in views}
t1 = time.perf_counter()

left = entities.assign(_row=np.arange(len(entities))).sort_values('event_timestamp', kind='mergesort')
out = entities.copy()
for v in views:
    right = sources[v['name']].rename(columns={'event_timestamp': '_vt'})
    right = right.sort_values(['_vt', 'created'] if v['created'] else '_vt', kind='mergesort')
    m = pd.merge_asof(left[['_row', 'event_timestamp', 'key']], right[['key', '_vt', 'a', 'b']],
                      left_on='event_timestamp', right_on='_vt', by='key',
                      direction='backward', allow_exact_matches=True)
    if v['ttlMs'] > 0:
        old = m._vt < m.event_timestamp - pd.Timedelta(milliseconds=v['ttlMs'])
        m.loc[old, ['a', 'b']] = np.nan
    m = m.set_index('_row').sort_index()
    out[f"{v['name']}__a"] = m.a.to_numpy()
    out[f"{v['name']}__b"] = m.b.to_numpy()
t2 = time.perf_counter()

check = {}
for c in out.columns:
    if '__' in c:
        check[c] = [int(out[c].notna().sum()), float(out[c].sum())]
print(json.dumps({'read_ms': (t1 - t0) * 1000, 'join_ms': (t2 - t1) * 1000,
                  'rss_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  'rows': len(out), 'checksum': check}))
