import { open, type FileHandle } from 'node:fs/promises';
import type { MetricsLog } from './metrics-log.js';

/**
 * Follows a growing file (the run's `metrics.jsonl`) by polling, feeding what was appended
 * to the log. Polling a few times a second costs the trainer nothing measurable, where a
 * pipe or a socket would make it wait on us.
 * @example
 * const tail = new FileTail(path, log);
 * const timer = setInterval(() => void tail.poll(), 250);
 * // ... when the trainer has exited:
 * clearInterval(timer);
 * await tail.finish();
 */
export class FileTail {
  private offset = 0;
  private fh: FileHandle | undefined;
  private busy: Promise<void> = Promise.resolve();
  private readonly decoder = new TextDecoder('utf-8', { fatal: false });
  // one buffer for every poll: a fresh megabyte a poll is memory V8 counts against its heap
  // and collects for, on a core the trainer may need
  private buf: Buffer | undefined;

  constructor(
    readonly path: string,
    private readonly log: MetricsLog,
  ) {}

  /** Reads whatever was appended since the last poll; polls never overlap. */
  poll(): Promise<void> {
    this.busy = this.busy.then(() => this.read()).catch(() => undefined);
    return this.busy;
  }

  /** Reads the rest, ends the log and closes the file. */
  async finish(): Promise<void> {
    await this.poll();
    const tail = this.decoder.decode();
    if (tail) this.log.feed(tail);
    this.log.end();
    await this.fh?.close();
    this.fh = undefined;
    this.buf = undefined;
  }

  private async read(): Promise<void> {
    if (!this.fh) {
      try {
        this.fh = await open(this.path, 'r');
      } catch {
        return; // not written yet
      }
    }
    const buf = (this.buf ??= Buffer.allocUnsafe(1 << 20));
    for (;;) {
      const { bytesRead } = await this.fh.read(buf, 0, buf.length, this.offset);
      if (!bytesRead) return;
      this.offset += bytesRead;
      this.log.feed(this.decoder.decode(buf.subarray(0, bytesRead), { stream: true }));
    }
  }
}
