#!/usr/bin/python3
"""
Writes the point-in-time join's fixtures under src/features/join/fixtures/: the entity rows
and three feature views as CSV, the views' settings as views.json, and the expected join as
expected.json, computed by pandas (1.5) `merge_asof`, the reference Feast's own offline
stores are checked against. The TypeScript tests read these files; they never run Python.

    /usr/bin/python3 scripts/pit-fixtures.py

Per view: the view's rows sorted by (event ts, created ts, source row) so that among rows
with the same event time the latest created (then the last in the source) comes last and is
the one `merge_asof(direction='backward', allow_exact_matches=True)` picks; then matches
older than `entity ts - ttl` are nulled. Entity rows with a null join key get nulls (pandas
cannot match on a null `by`).
"""
import json
import os
import random
import subprocess

import numpy as np
import pandas as pd

OUT = os.path.join(os.path.dirname(__file__), '..', 'src', 'features', 'join', 'fixtures')
T0 = pd.Timestamp('2024-03-01T00:00:00Z')
H = 3_600_000
DAY = 24 * H


def at(ms):
    """A fixture time: T0 plus `ms` milliseconds, as the CSVs hold it."""
    t = T0 + pd.Timedelta(milliseconds=ms)
    return t.strftime('%Y-%m-%dT%H:%M:%S.') + f'{t.microsecond // 1000:03d}Z'


VIEWS = [
    {'name': 'user_stats', 'join_keys': ['user_id'], 'created': 'created', 'ttl_ms': DAY,
     'schema': [{'name': 'clicks', 'dtype': 'int64'}, {'name': 'score', 'dtype': 'float64'}]},
    {'name': 'user_profile', 'join_keys': ['user_id'], 'created': None, 'ttl_ms': 2 * H,
     'schema': [{'name': 'tier', 'dtype': 'string'}, {'name': 'active', 'dtype': 'bool'}]},
    {'name': 'test_flakiness', 'join_keys': ['repo', 'test_id'], 'created': 'created',
     'ttl_ms': 7 * DAY,
     'schema': [{'name': 'flaky_rate', 'dtype': 'float64'}, {'name': 'runs', 'dtype': 'int64'}]},
]

# (user_id, repo, test_id, event ms, label): hand cases first, out of time order on purpose
ENTITIES = [
    ('u1', 'web', 1, 10 * H, 1),        # stats: tie at 8h broken by created; 9h wins over late 7h
    ('u1', 'web', 2, 7 * H + H // 2, 0),  # stats: the late-arriving 7h row (created at 23h)
    ('u2', 'api', 1, DAY, 1),           # stats row at T0: exactly at the ttl edge, matches
    ('u2', 'api', 1, DAY + 1, 0),       # 1 ms past the edge: no match
    ('u3', 'web', 1, 12 * H, 1),        # a row exactly at the entity time matches
    ('u4', 'web', 2, 2 * H, 0),         # latest row has a null clicks: null wins
    ('u5', 'api', 2, 10 * H, 1),        # only later rows: nulls
    ('u9', 'nope', 9, 10 * H, 0),       # no rows anywhere: nulls
    (None, 'web', 1, 10 * H, 1),        # null join key: nulls for the user views
    ('u1', None, 1, 10 * H, 0),         # null repo: nulls for test_flakiness
    ('u1', 'web', 1, 0, 1),             # earliest time, before every row
]
STATS = [  # user_id, event ms, created ms, clicks, score
    ('u1', 5 * H, 5 * H, 1, 0.5),
    ('u1', 8 * H, 8 * H, 2, 0.6),
    ('u1', 8 * H, 9 * H, 3, 0.7),       # same event time, later created: wins
    ('u1', 8 * H, 8 * H + H // 2, 4, 0.8),  # after it in the source but created earlier
    ('u1', 9 * H, 9 * H, 6, 0.9),
    ('u1', 7 * H, 23 * H, 7, 1.0),      # late-arriving: created after the 9h row, older event
    ('u2', 0, 0, 20, 2.0),
    ('u3', 12 * H, 12 * H, 30, 3.0),
    ('u3', 12 * H + 1, 12 * H + 1, 31, 3.1),  # 1 ms after the entity: not seen
    ('u4', 0, 0, 10, 4.0),
    ('u4', H, H, None, 1.5),
    ('u5', 20 * H, 20 * H, 50, 5.0),
]
PROFILE = [  # user_id, event ms, tier, active
    ('u1', 9 * H, 'gold', True),
    ('u1', 9 * H, 'silver', False),     # same event time, no created column: last in source wins
    ('u2', 22 * H, 'bronze', True),     # ttl 2h: exactly at the edge for the entity at 24h
    ('u3', 11 * H, None, True),         # a null string feature
    ('u4', 0, 'gold', None),            # 2h before the entity at 2h: at the edge
]
FLAKY = [  # repo, test_id, event ms, created ms, flaky_rate, runs
    ('web', 1, 0, 0, 0.1, 10),
    ('web', 1, 9 * H, 9 * H, 0.2, 20),
    ('api', 1, 9 * H, 9 * H, 0.9, 90),  # same test_id in another repo: another key
    ('web', 2, H, H, None, 5),
    ('web', 2, H, 2 * H, 0.3, None),    # tie on event time, later created: wins
    ('api', 2, 10 * H - 7 * DAY, 0, 0.5, 50),  # exactly 7 days before the entity at 10h
    ('api', 2, 10 * H - 7 * DAY - 1, 0, 0.4, 40),
]


def random_rows(rng):
    """Seeded extra rows on their own keys, so they cannot disturb the hand cases."""
    users = [f'r{i}' for i in range(6)]
    grid = lambda: rng.randrange(0, 3 * DAY, 15 * 60_000)  # many equal times
    ents = [(rng.choice(users), 'svc', rng.randrange(3), grid(), rng.randrange(2))
            for _ in range(40)]
    stats = []
    for _ in range(60):
        t = grid()
        stats.append((rng.choice(users), t, t + rng.choice([0, 0, 60_000, 3 * H]),
                      rng.choice([None, 1, 2, 3, 4]), round(rng.random(), 3)))
    prof = [(rng.choice(users), grid(), rng.choice(['gold', 'silver', None]),
             rng.choice([True, False])) for _ in range(50)]
    flaky = []
    for _ in range(50):
        t = grid()
        flaky.append(('svc', rng.randrange(3), t, t + rng.choice([0, 60_000]),
                      rng.choice([None, 0.25, 0.5]), rng.randrange(100)))
    return ents, stats, prof, flaky


def frames():
    e2, s2, p2, f2 = random_rows(random.Random(7))
    ents = pd.DataFrame(ENTITIES + e2, columns=['user_id', 'repo', 'test_id', 'ts', 'label'])
    stats = pd.DataFrame(STATS + s2, columns=['user_id', 'ts', 'cr', 'clicks', 'score'])
    prof = pd.DataFrame(PROFILE + p2, columns=['user_id', 'ts', 'tier', 'active'])
    flaky = pd.DataFrame(FLAKY + f2, columns=['repo', 'test_id', 'ts', 'cr', 'flaky_rate', 'runs'])
    return ents, {'user_stats': stats, 'user_profile': prof, 'test_flakiness': flaky}


def write_csv(df, name):
    out = df.copy()
    out['ts'] = out.ts.map(at)
    if 'cr' in out:
        out['cr'] = out.cr.map(at)
    out = out.rename(columns={'ts': 'event_timestamp', 'cr': 'created'})
    for c in out.columns:  # ints with nulls stay ints in the file; bools lower-case
        out[c] = out[c].map(lambda v: '' if v is None or (isinstance(v, float) and np.isnan(v))
                            else str(v).lower() if isinstance(v, bool)
                            else str(int(v)) if isinstance(v, float) and c in ('clicks', 'runs')
                            else str(v))
    out.to_csv(os.path.join(OUT, name), index=False)


def join(ents, view, rows):
    keys, feats = view['join_keys'], [f['name'] for f in view['schema']]
    left = ents.assign(_row=np.arange(len(ents)), _t=pd.to_datetime(ents.ts, unit='ms'))
    left = left[left[keys].notna().all(axis=1)].sort_values('_t', kind='mergesort')
    right = rows.assign(_src=np.arange(len(rows)), _vt=pd.to_datetime(rows.ts, unit='ms'))
    order = ['_vt'] + (['cr'] if view['created'] else []) + ['_src']
    right = right.sort_values(order, kind='mergesort')
    m = pd.merge_asof(left[['_row', '_t'] + keys], right[keys + ['_vt'] + feats],
                      left_on='_t', right_on='_vt', by=keys,
                      direction='backward', allow_exact_matches=True)
    old = m._vt < m._t - pd.Timedelta(milliseconds=view['ttl_ms'])
    m.loc[old | m._vt.isna(), feats] = None
    out = pd.DataFrame(index=np.arange(len(ents)), columns=feats, dtype=object)
    for f in feats:
        out.loc[m._row.to_numpy(), f] = m[f].astype(object).to_numpy()
    return out


def plain(v, dtype):
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return None
    if dtype == 'int64':
        return int(v)
    if dtype == 'bool':
        return bool(v)
    if dtype == 'float64':
        return float(v)
    return v


def main():
    os.makedirs(OUT, exist_ok=True)
    ents, rows = frames()
    write_csv(ents, 'entities.csv')
    for v in VIEWS:
        write_csv(rows[v['name']], f"{v['name']}.csv")
    columns = ['user_id', 'repo', 'test_id', 'event_timestamp', 'label']
    table = [[plain(r.user_id, 'string'), plain(r.repo, 'string'), int(r.test_id),
              T0.value // 1_000_000 + int(r.ts),
              int(r.label)] for r in ents.itertuples()]  # the CSV's column order
    for v in VIEWS:
        got = join(ents, v, rows[v['name']])
        for f in v['schema']:
            columns.append(f"{v['name']}__{f['name']}")
            for i, x in enumerate(got[f['name']]):
                table[i].append(plain(x, f['dtype']))
    # the hand cases the comments above promise, checked against pandas' answer
    at_col = {c: i for i, c in enumerate(columns)}
    assert table[0][at_col['user_stats__clicks']] == 6
    assert table[1][at_col['user_stats__clicks']] == 7
    assert table[2][at_col['user_stats__clicks']] == 20 and table[3][at_col['user_stats__clicks']] is None
    assert table[4][at_col['user_stats__clicks']] == 30
    assert table[5][at_col['user_stats__clicks']] is None and table[5][at_col['user_stats__score']] == 1.5
    assert table[0][at_col['user_profile__tier']] == 'silver'  # the tie: last in the source
    assert table[2][at_col['user_profile__tier']] == 'bronze' and table[3][at_col['user_profile__tier']] is None
    assert table[5][at_col['user_profile__tier']] == 'gold'
    assert table[0][at_col['test_flakiness__runs']] == 20
    assert table[2][at_col['test_flakiness__runs']] == 90
    assert table[6][at_col['test_flakiness__runs']] == 50
    assert table[8][at_col['user_stats__clicks']] is None and table[8][at_col['test_flakiness__runs']] == 20
    assert table[9][at_col['test_flakiness__runs']] is None and table[9][at_col['user_stats__clicks']] == 6
    with open(os.path.join(OUT, 'views.json'), 'w') as f:
        json.dump([{k: v[k] for k in ('name', 'join_keys', 'created', 'ttl_ms', 'schema')}
                   for v in VIEWS], f, indent=2)
        f.write('\n')
    with open(os.path.join(OUT, 'expected.json'), 'w') as f:
        f.write('{\n  "generated_by": "scripts/pit-fixtures.py (pandas ' + pd.__version__ + ')",\n')
        f.write('  "columns": ' + json.dumps(columns) + ',\n  "rows": [\n')
        f.write(',\n'.join('    ' + json.dumps(r) for r in table))
        f.write('\n  ]\n}\n')
    # committed JSON is prettier-formatted (the repository's format check covers it)
    files = [os.path.join(OUT, 'views.json'), os.path.join(OUT, 'expected.json')]
    try:
        subprocess.run(['npx', 'prettier', '--log-level', 'warn', '--write', *files], check=True)
    except (OSError, subprocess.CalledProcessError) as e:
        print(f'prettier did not run ({e}): run `npx prettier --write {OUT}`')
    print(f'wrote {len(table)} rows × {len(columns)} columns to {os.path.relpath(OUT)}')


if __name__ == '__main__':
    main()
