import { describe, expect, it } from 'vitest';
import { Lru } from './lru.js';

describe('Lru', () => {
  it('keeps recently used entries and drops the least recent past the budget', () => {
    const lru = new Lru<string, number>(20); // generations of 10
    lru.set('a', 1, 4);
    lru.set('b', 2, 4);
    lru.set('c', 3, 4); // young is full: a and b become old
    expect(lru.get('a')).toBe(1); // a is used again: young again
    lru.set('d', 4, 4); // young (c, a) is full: it becomes old, and b is dropped
    lru.set('e', 5, 4);
    expect(lru.get('b')).toBeUndefined();
    expect([lru.get('d'), lru.get('e'), lru.get('a')]).toEqual([4, 5, 1]);
    // Moving a up filled the young generation: d and e became old, and c (unused) went.
    expect(lru.size).toBe(3);
    expect(lru.get('c')).toBeUndefined();
  });

  it('does not keep an entry heavier than a generation, and replaces a key in place', () => {
    const lru = new Lru<string, number>(20);
    lru.set('big', 1, 11);
    expect(lru.get('big')).toBeUndefined();
    lru.set('a', 1, 6);
    lru.set('a', 2, 6);
    expect(lru.get('a')).toBe(2);
    expect(lru.size).toBe(1);
  });
});
