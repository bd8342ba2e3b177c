/**
 * Commits waiting to be visited, newest committer time first and, among equal times, first
 * in first out: the order of git's `commit_list_insert_by_date`, which `git log` walks by.
 */
export class CommitQueue {
  private readonly oids: string[] = [];
  private readonly times: number[] = [];
  private readonly seqs: number[] = [];
  private seq = 0;

  get size(): number {
    return this.oids.length;
  }

  push(oid: string, time: number): void {
    let i = this.oids.length;
    this.oids.push(oid);
    this.times.push(time);
    this.seqs.push(this.seq++);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  pop(): string | undefined {
    const n = this.oids.length;
    if (n === 0) return undefined;
    const top = this.oids[0];
    this.swap(0, n - 1);
    this.oids.pop();
    this.times.pop();
    this.seqs.pop();
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let best = i;
      if (l < n - 1 && this.before(l, best)) best = l;
      if (r < n - 1 && this.before(r, best)) best = r;
      if (best === i) break;
      this.swap(i, best);
      i = best;
    }
    return top;
  }

  private before(a: number, b: number): boolean {
    const ta = this.times[a]!;
    const tb = this.times[b]!;
    return ta > tb || (ta === tb && this.seqs[a]! < this.seqs[b]!);
  }

  private swap(a: number, b: number): void {
    [this.oids[a], this.oids[b]] = [this.oids[b]!, this.oids[a]!];
    [this.times[a], this.times[b]] = [this.times[b]!, this.times[a]!];
    [this.seqs[a], this.seqs[b]] = [this.seqs[b]!, this.seqs[a]!];
  }
}
