import type { Io } from './io.js';

const QUIET_INTERVAL_MS = 10_000;

/**
 * A training's output as it comes, with a live progress line under it: redrawn in place on
 * a terminal, printed every 10 s otherwise (CI logs). With several trainings at once each
 * line is prefixed with its model.
 * @example
 * const live = new LiveOutput(io, { json: false, prefix: false });
 * live.output('m', 'stdout', 'epoch 1\n');
 * live.progress('m', 'step 1 · loss 0.5 · 0:01');
 * live.done();
 */
export class LiveOutput {
  private readonly status = new Map<string, string>();
  private readonly partial = new Map<string, string>();
  private readonly lastPrinted = new Map<string, number>();
  private drawn = false;

  constructor(
    private readonly io: Io,
    private readonly opts: { json: boolean; prefix: boolean },
  ) {}

  output(model: string, stream: 'stdout' | 'stderr', text: string): void {
    const write = (s: string) =>
      stream === 'stdout' && !this.opts.json ? this.io.out(s) : this.io.err(s);
    this.clear();
    if (!this.opts.prefix) write(text);
    else {
      const key = `${model}\0${stream}`;
      const lines = ((this.partial.get(key) ?? '') + text).split('\n');
      this.partial.set(key, lines.pop()!);
      for (const l of lines) write(`[${model}] ${l}\n`);
    }
    this.draw();
  }

  progress(model: string, line: string): void {
    if (this.io.isTTY) {
      this.status.set(model, line);
      this.clear();
      this.draw();
      return;
    }
    const now = this.io.now().getTime();
    if (now - (this.lastPrinted.get(model) ?? now - QUIET_INTERVAL_MS - 1) < QUIET_INTERVAL_MS)
      return;
    if (line.startsWith('starting')) return;
    this.lastPrinted.set(model, now);
    this.io.err(`  … ${this.opts.prefix ? `${model}: ` : ''}${line}\n`);
  }

  done(): void {
    this.clear();
    for (const [key, rest] of this.partial) {
      if (rest) this.io.err(`[${key.split('\0')[0]}] ${rest}\n`);
    }
    this.partial.clear();
  }

  private draw(): void {
    if (!this.io.isTTY || !this.status.size) return;
    const line = [...this.status]
      .map(([m, s]) => (this.opts.prefix ? `${m}: ${s}` : s))
      .join(' | ');
    this.io.err(`\r\x1b[K  ${line.slice(0, 200)}`);
    this.drawn = true;
  }

  private clear(): void {
    if (!this.drawn) return;
    this.io.err('\r\x1b[K');
    this.drawn = false;
  }
}
