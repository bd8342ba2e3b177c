/**
 * The rules every online store keeps, as one vitest suite: embedded.test.ts runs it on the
 * embedded store, test/online-redis.test.ts on a real Redis. A new store passes it too.
 *
 * `open` opens a store on the backing data of the current test (calling it again after a
 * close must see the same data: that is the reopen test); `cleanup` wipes that data after each
 * test. Stores the tests open are closed before `cleanup` runs.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { FeatureValue, OnlineRow, OnlineStore } from '../types.js';

const T0 = Date.UTC(2025, 0, 1);

/** Every kind of value, the awkward ones included. */
export const ALL_VALUES: Record<string, FeatureValue> = {
  null_value: null,
  yes: true,
  no: false,
  zero: 0,
  negative_zero: -0,
  int: 42,
  negative_int: -7,
  max_safe_int: Number.MAX_SAFE_INTEGER,
  float: 1.5,
  tiny_float: -1e-300,
  third: 1 / 3,
  not_a_number: NaN,
  infinity: Infinity,
  minus_infinity: -Infinity,
  empty: '',
  text: 'plain',
  unicode: 'ünïcödé 🚀 日本語 \u0000 \u2028',
  json_like: '{"a": [1, "b"]} null true 1',
  quotes: '"quoted" \\ back\nnew line\ttab',
  numeric_text: '1',
  constructor: 'a feature named like an Object member',
};

export function onlineStoreSuite(
  name: string,
  open: () => Promise<OnlineStore>,
  cleanup: () => Promise<void>,
): void {
  describe(`online store rules: ${name}`, () => {
    const opened: OnlineStore[] = [];
    const store = async () => {
      const s = await open();
      opened.push(s);
      return s;
    };
    const row = (key: string, eventTs: number, v: FeatureValue, createdTs?: number): OnlineRow => ({
      key,
      values: { v },
      eventTs,
      ...(createdTs === undefined ? {} : { createdTs }),
    });
    const valueOf = async (s: OnlineStore, view: string, key: string) =>
      (await s.read(view, [key]))[0]?.values.v;

    afterEach(async () => {
      for (const s of opened.splice(0)) await s.close();
      await cleanup();
    });

    it('round-trips every value type exactly', async () => {
      const s = await store();
      expect(await s.write('all_types', [{ key: 'e1', values: ALL_VALUES, eventTs: T0 }])).toEqual({
        written: 1,
        skipped: 0,
      });
      const [hit] = await s.read('all_types', ['e1']);
      expect(hit?.eventTs).toBe(T0);
      expect(Object.keys(hit!.values).sort()).toEqual(Object.keys(ALL_VALUES).sort());
      for (const [k, v] of Object.entries(ALL_VALUES)) expect(hit!.values[k], k).toBe(v);
      expect(Object.is(hit!.values.negative_zero, -0)).toBe(true);
      expect(typeof hit!.values.numeric_text).toBe('string');
    });

    it('reads null for a missing key, in the order of the keys asked', async () => {
      const s = await store();
      await s.write('v', [row('a', T0, 1), row('b', T0, 2)]);
      const hits = await s.read('v', ['b', 'missing', 'a', 'b']);
      expect(hits.map((h) => h?.values.v ?? null)).toEqual([2, null, 1, 2]);
      expect(await s.read('v', [])).toEqual([]);
      expect(await s.read('no_such_view', ['a'])).toEqual([null]);
    });

    it('never replaces a row with an older event time', async () => {
      const s = await store();
      expect(await s.write('v', [row('k', T0 + 200, 'new')])).toEqual({ written: 1, skipped: 0 });
      expect(await s.write('v', [row('k', T0 + 100, 'old')])).toEqual({ written: 0, skipped: 1 });
      expect(await valueOf(s, 'v', 'k')).toBe('new');
      expect(await s.write('v', [row('k', T0 + 300, 'newer')])).toEqual({ written: 1, skipped: 0 });
      expect(await s.read('v', ['k'])).toEqual([{ values: { v: 'newer' }, eventTs: T0 + 300 }]);
    });

    it('breaks event-time ties on created time; equal keeps the stored row', async () => {
      const s = await store();
      await s.write('v', [row('k', T0, 'c5', T0 + 5)]);
      expect(await s.write('v', [row('k', T0, 'c4', T0 + 4)])).toEqual({ written: 0, skipped: 1 });
      expect(await s.write('v', [row('k', T0, 'c5b', T0 + 5)])).toEqual({ written: 0, skipped: 1 });
      expect(await s.write('v', [row('k', T0, 'none')])).toEqual({ written: 0, skipped: 1 });
      expect(await valueOf(s, 'v', 'k')).toBe('c5');
      expect(await s.write('v', [row('k', T0, 'c6', T0 + 6)])).toEqual({ written: 1, skipped: 0 });
      expect(await valueOf(s, 'v', 'k')).toBe('c6');
      // without created times, the same event time is a repeat: the stored row stays
      await s.write('v', [row('j', T0, 'first')]);
      expect(await s.write('v', [row('j', T0, 'again')])).toEqual({ written: 0, skipped: 1 });
      // a created time beats none at the same event time
      expect(await s.write('v', [row('j', T0, 'created', 1)])).toEqual({ written: 1, skipped: 0 });
      expect(await valueOf(s, 'v', 'j')).toBe('created');
    });

    it('applies a batch in order: the newest row of a key wins within one write', async () => {
      const s = await store();
      const r = await s.write('v', [
        row('k', T0 + 2, 'b'),
        row('k', T0 + 1, 'a'),
        row('k', T0 + 3, 'c'),
      ]);
      expect(r).toEqual({ written: 2, skipped: 1 });
      expect(await valueOf(s, 'v', 'k')).toBe('c');
    });

    it('keeps the newest row under concurrent writes', async () => {
      const s = await store();
      const times = Array.from({ length: 40 }, (_, i) => (i * 17) % 40);
      await Promise.all(times.map((t) => s.write('v', [row('k', T0 + t, t)])));
      expect(await s.read('v', ['k'])).toEqual([{ values: { v: 39 }, eventTs: T0 + 39 }]);
    });

    it('replaces the whole row: a feature the new row lacks is gone', async () => {
      const s = await store();
      await s.write('v', [{ key: 'k', values: { a: 1, b: 2 }, eventTs: T0 }]);
      await s.write('v', [{ key: 'k', values: { a: 3 }, eventTs: T0 + 1 }]);
      expect(await s.read('v', ['k'])).toEqual([{ values: { a: 3 }, eventTs: T0 + 1 }]);
    });

    it('keeps views apart: the same key in two views', async () => {
      const s = await store();
      await s.write('view_a', [row('k', T0, 'a')]);
      await s.write('view_b', [row('k', T0 - 1000, 'b')]);
      expect(await valueOf(s, 'view_a', 'k')).toBe('a');
      expect(await valueOf(s, 'view_b', 'k')).toBe('b');
      await s.write('view_b', [row('k', T0 + 5, 'b2')]);
      expect(await valueOf(s, 'view_a', 'k')).toBe('a');
    });

    it('keeps keys with separators, spaces and unicode apart', async () => {
      const s = await store();
      const keys = [
        'repo=web&test_id=7',
        'repo=web&test_id=70',
        'a:b',
        'a',
        'with space',
        'ü🚀',
        '',
      ];
      await s.write(
        'v',
        keys.map((k, i) => row(k, T0, i)),
      );
      expect((await s.read('v', keys)).map((h) => h?.values.v)).toEqual(keys.map((_, i) => i));
    });

    it('keeps a watermark per view', async () => {
      const s = await store();
      expect(await s.watermark('v')).toBeNull();
      await s.setWatermark('v', T0);
      await s.setWatermark('w', T0 + 1);
      expect(await s.watermark('v')).toBe(T0);
      await s.setWatermark('v', T0 + 60_000);
      expect(await s.watermark('v')).toBe(T0 + 60_000);
      expect(await s.watermark('w')).toBe(T0 + 1);
      expect(await s.watermark('x')).toBeNull();
    });

    it('writes and reads many keys', async () => {
      const s = await store();
      const n = 5_000;
      const rows = Array.from({ length: n }, (_, i): OnlineRow => ({
        key: `t${String(i).padStart(5, '0')}`,
        values: { i, half: i / 2, odd: i % 2 === 1, label: `label-${i % 13}` },
        eventTs: T0 + i,
      }));
      expect(await s.write('many', rows)).toEqual({ written: n, skipped: 0 });
      expect(await s.write('many', rows.slice(0, 100))).toEqual({ written: 0, skipped: 100 });
      const hits = await s.read('many', rows.map((r) => r.key).reverse());
      hits.forEach((h, j) => {
        const i = n - 1 - j;
        expect(h).toEqual({
          values: { i, half: i / 2, odd: i % 2 === 1, label: `label-${i % 13}` },
          eventTs: T0 + i,
        });
      });
    });

    it('rejects a row it could not keep faithfully', async () => {
      const s = await store();
      await expect(s.write('v', [row('k', NaN, 1)])).rejects.toThrow(/eventTs/);
      const bad = { key: 'k', values: { n: 1n as unknown as FeatureValue }, eventTs: T0 };
      await expect(s.write('v', [bad])).rejects.toThrow(/bigint/);
      expect(await s.read('v', ['k'])).toEqual([null]);
    });

    it('keeps rows and watermarks across a close and a reopen', async () => {
      const s = await store();
      await s.write('all_types', [
        { key: 'e1', values: ALL_VALUES, eventTs: T0, createdTs: T0 + 9 },
      ]);
      await s.write('v', [row('k', T0, 'x')]);
      await s.setWatermark('v', T0 + 123);
      await s.close();
      const again = await store();
      const [hit] = await again.read('all_types', ['e1']);
      for (const [k, v] of Object.entries(ALL_VALUES)) expect(hit!.values[k], k).toBe(v);
      expect(await valueOf(again, 'v', 'k')).toBe('x');
      expect(await again.watermark('v')).toBe(T0 + 123);
      // the created time survived too: an equal one is still refused
      const tie = { key: 'e1', values: {}, eventTs: T0, createdTs: T0 + 9 };
      expect(await again.write('all_types', [tie])).toEqual({ written: 0, skipped: 1 });
    });
  });
}
