/**
 * The last lines a command printed, kept for a failed Run's record (`failure.last_lines`):
 * what a person needs first when a night's training failed.
 * @example
 * const last = new LastLines(20);
 * last.feed('epoch 1\nepoch 2\npartial');
 * last.lines(); // ['epoch 1', 'epoch 2', 'partial']
 */
export class LastLines {
  private readonly kept: string[] = [];
  private partial = '';

  constructor(private readonly max = 20) {}

  feed(text: string): void {
    const parts = (this.partial + text).split('\n');
    this.partial = parts.pop()!;
    for (const p of parts) this.keep(p);
  }

  lines(): string[] {
    const out = [...this.kept];
    if (this.partial) out.push(this.partial);
    return out.slice(-this.max);
  }

  private keep(line: string): void {
    // progress bars redraw with \r: keep what the line finally showed
    const shown = line.slice(line.lastIndexOf('\r', line.length - 2) + 1).replace(/\r$/, '');
    if (!shown.trim()) return;
    this.kept.push(shown.length > 500 ? shown.slice(0, 497) + '...' : shown);
    if (this.kept.length > this.max) this.kept.shift();
  }
}
