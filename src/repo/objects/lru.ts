/**
 * A cache bounded by a byte budget, in two generations: entries go into the young map; when
 * it holds half the budget it becomes the old map and the previous old map is dropped. A hit
 * in the old map moves the entry back to the young one. Recently used entries survive, as in
 * an LRU, without reordering a map on every hit (the hot path of a history walk).
 * An entry heavier than half the budget is not kept.
 */
export class Lru<K, V> {
  private young = new Map<K, { value: V; weight: number }>();
  private old = new Map<K, { value: V; weight: number }>();
  private youngWeight = 0;

  constructor(private readonly budget: number) {}

  get(key: K): V | undefined {
    const hit = this.young.get(key);
    if (hit !== undefined) return hit.value;
    const aged = this.old.get(key);
    if (aged === undefined) return undefined;
    this.old.delete(key);
    this.insert(key, aged);
    return aged.value;
  }

  set(key: K, value: V, weight: number): void {
    if (weight > this.budget / 2) return;
    const prev = this.young.get(key);
    if (prev !== undefined) {
      this.youngWeight -= prev.weight;
      this.young.delete(key);
    }
    this.old.delete(key);
    this.insert(key, { value, weight });
  }

  get size(): number {
    return this.young.size + this.old.size;
  }

  private insert(key: K, entry: { value: V; weight: number }): void {
    if (this.youngWeight + entry.weight > this.budget / 2) {
      this.old = this.young;
      this.young = new Map();
      this.youngWeight = 0;
    }
    this.young.set(key, entry);
    this.youngWeight += entry.weight;
  }
}
