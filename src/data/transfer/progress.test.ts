import { describe, expect, it } from 'vitest';
import { createProgress, formatProgress, formatSize } from './progress.js';

function fake(isTTY: boolean) {
  let t = 1_000;
  const out: string[] = [];
  const p = createProgress({
    write: (s) => out.push(s),
    now: () => t,
    isTTY,
    verb: 'pushed',
    totalObjects: 20_000,
    totalBytes: 2_000_000_000,
    width: 10,
  });
  return { p, out, tick: (ms: number) => (t += ms) };
}

describe('progress', () => {
  it('formats one line: objects, size, rate', () => {
    expect(formatProgress('pushed', 1234, 20_000, 1.2 * 2 ** 30, 15_000)).toBe(
      'pushed 1,234/20,000 objects, 1.2 GiB, 86 MB/s',
    );
    expect(formatProgress('pulled', 0, 3, 0, 0)).toBe('pulled 0/3 objects, 0 B, 0.0 MB/s');
    expect(formatSize(1536)).toBe('1.5 KiB');
  });

  it('in CI: one line every 5 s, then a final one', () => {
    const { p, out, tick } = fake(false);
    p.bytes(100_000_000);
    p.object();
    expect(out).toEqual([]);
    tick(5_000);
    p.object();
    expect(out).toEqual(['pushed 2/20,000 objects, 95.4 MiB, 20 MB/s\n']);
    tick(1_000);
    p.bytes(1);
    expect(out).toHaveLength(1);
    tick(4_000);
    p.done();
    expect(out.at(-1)).toBe('pushed 2/20,000 objects, 95.4 MiB, 10 MB/s\n');
  });

  it('on a TTY: a bar redrawn in place at most ten times a second', () => {
    const { p, out, tick } = fake(true);
    tick(100);
    p.bytes(1_000_000_000);
    p.bytes(1);
    expect(out).toEqual(['\r\x1b[K[#####-----] pushed 0/20,000 objects, 953.7 MiB, 10000 MB/s']);
    tick(100);
    p.done();
    expect(out.at(-1)!.startsWith('\r\x1b[K[#####-----] pushed 0/20,000 objects, ')).toBe(true);
    expect(out.at(-1)!.endsWith('\n')).toBe(true);
  });
});
