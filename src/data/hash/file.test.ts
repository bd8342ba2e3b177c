import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/helpers/gitdir.js';
import { CHUNK, copyAndHash, hashBytes, hashFile } from './file.js';

const dir = tempDir();
const sizes = [0, 1, 4095, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK + 12_345];
const files = sizes.map((n) => {
  const path = join(dir, `f${n}`);
  const bytes = randomBytes(n);
  writeFileSync(path, bytes);
  return { path, bytes };
});

describe('hashFile', () => {
  it.each(files.map((f) => [f.bytes.length, f] as const))(
    'agrees with crypto on %i bytes (sha256 and md5)',
    async (_n, f) => {
      for (const algo of ['sha256', 'md5'] as const) {
        const want = createHash(algo).update(f.bytes).digest('hex');
        expect(await hashFile(f.path, algo)).toEqual({ hex: want, size: f.bytes.length });
      }
    },
  );

  it('reports bytes chunk by chunk', async () => {
    const big = files.at(-1)!;
    const seen: number[] = [];
    await hashFile(big.path, 'sha256', { onBytes: (n) => seen.push(n) });
    expect(seen).toEqual([CHUNK, CHUNK, 12_345]);
  });

  it('stops when its signal fires, and can hash again afterwards', async () => {
    const big = files.at(-1)!;
    const ac = new AbortController();
    const run = hashFile(big.path, 'sha256', { signal: ac.signal, onBytes: () => ac.abort() });
    await expect(run).rejects.toMatchObject({ code: 'ABORTED' });
    // The pooled buffers came back unharmed.
    expect((await hashFile(big.path, 'md5')).hex).toBe(hashBytes(big.bytes, 'md5'));
  });

  it('runs many at once without mixing buffers', async () => {
    const all = await Promise.all(files.map((f) => hashFile(f.path, 'sha256')));
    expect(all.map((r) => r.hex)).toEqual(files.map((f) => hashBytes(f.bytes, 'sha256')));
  });

  it("fails with Node's ENOENT for a missing file", async () => {
    await expect(hashFile(join(dir, 'nope'), 'sha256')).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('copyAndHash', () => {
  it('copies byte for byte, read-only by default, and hashes what it wrote', async () => {
    const src = files.at(-1)!;
    const dst = join(dir, 'copy');
    const got = await copyAndHash(src.path, dst, 'sha256');
    expect(got).toEqual({ hex: hashBytes(src.bytes, 'sha256'), size: src.bytes.length });
    expect(readFileSync(dst).equals(src.bytes)).toBe(true);
    expect(statSync(dst).mode & 0o777).toBe(0o444);
  });

  it('never overwrites an existing file', async () => {
    const dst = join(dir, 'taken');
    writeFileSync(dst, 'mine');
    await expect(copyAndHash(files[1]!.path, dst, 'md5')).rejects.toMatchObject({ code: 'EEXIST' });
    expect(readFileSync(dst, 'utf8')).toBe('mine');
  });
});

describe('not a regular file', () => {
  it('refuses a FIFO at once instead of waiting for a writer', async () => {
    const fifo = join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    await expect(hashFile(fifo, 'sha256')).rejects.toMatchObject({ code: 'UNSUPPORTED_FILE' });
    await expect(copyAndHash(fifo, join(dir, 'pipe-copy'), 'md5')).rejects.toMatchObject({
      code: 'UNSUPPORTED_FILE',
    });
    await expect(hashFile(dir, 'md5')).rejects.toMatchObject({ code: 'UNSUPPORTED_FILE' });
  });
});
