import { randomBytes } from 'node:crypto';
import { type Dirent } from 'node:fs';
import {
  chmod,
  mkdir,
  open,
  readdir,
  rename,
  stat,
  unlink,
  type FileHandle,
} from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { DataError, isFsError } from '../errors.js';
import type { ObjectInfo, ObjectStore } from './object-store.js';

/** Copy chunk: progress is reported after each. */
const CHUNK = 1 << 20;

/**
 * A remote in a local (or mounted network) directory, laid out as the cache and as DVC:
 * `<dir>/files/<algo>/<2>/<rest>`. Writes go to `<dir>/tmp/` and are renamed into place
 * only after their size is checked, so a crash or a full disk never leaves a partial object
 * under a key; objects are read-only. Temps left by a crash are not listed.
 *
 * @example
 * const remote = new LocalObjectStore('/mnt/team/mlops-remote');
 * await remote.put('files/sha256/ab/cd…', '.mlops/cache/files/sha256/ab/cd…', 1234);
 */
export class LocalObjectStore implements ObjectStore {
  readonly description: string;

  constructor(readonly dir: string) {
    this.description = dir;
  }

  async stat(key: string): Promise<ObjectInfo | null> {
    try {
      const s = await stat(this.file(key));
      return s.isFile() ? { size: s.size } : null;
    } catch (e) {
      if (isFsError(e, 'ENOENT') || isFsError(e, 'ENOTDIR')) return null;
      throw e;
    }
  }

  async put(
    key: string,
    file: string,
    size: number,
    progress?: (bytes: number) => void,
  ): Promise<void> {
    const target = this.file(key);
    const tmp = join(this.dir, 'tmp', `${randomBytes(8).toString('hex')}.tmp`);
    await mkdir(dirname(tmp), { recursive: true });
    try {
      const written = await copy(file, tmp, 'wx', progress);
      if (written !== size) {
        throw new DataError(
          'SIZE_MISMATCH',
          `${file} gave ${written} bytes for ${key}, expected ${size}; nothing was stored`,
          { key, expected: size, actual: written },
        );
      }
      await chmod(tmp, 0o444);
      await mkdir(dirname(target), { recursive: true });
      await rename(tmp, target);
    } catch (e) {
      await unlink(tmp).catch(() => undefined);
      throw e;
    }
  }

  async get(
    key: string,
    file: string,
    progress?: (bytes: number) => void,
    options: { size?: number } = {},
  ): Promise<void> {
    try {
      if (options.size !== undefined) {
        const { size } = await stat(this.file(key));
        if (size !== options.size) {
          throw new DataError(
            'SIZE_MISMATCH',
            `${this.description} holds ${size} bytes for ${key}, expected ${options.size}; refused`,
            { key, expected: options.size, actual: size },
          );
        }
      }
      await copy(this.file(key), file, 'w', progress);
    } catch (e) {
      if (isFsError(e, 'ENOENT')) {
        throw new DataError(
          'NOT_FOUND',
          `${key} is not in ${this.description}`,
          { key },
          { cause: e },
        );
      }
      throw e;
    }
  }

  async *list(prefix: string): AsyncIterable<{ key: string; size: number }> {
    checkPrefix(prefix);
    // Walk the deepest folder the prefix names whole; filter the rest by name.
    const cut = prefix.lastIndexOf('/');
    const base = cut < 0 ? '' : prefix.slice(0, cut);
    yield* this.walk(base, prefix);
  }

  async delete(key: string): Promise<void> {
    try {
      await unlink(this.file(key));
    } catch (e) {
      if (!isFsError(e, 'ENOENT')) throw e;
    }
  }

  private async *walk(rel: string, prefix: string): AsyncIterable<{ key: string; size: number }> {
    let entries: Dirent[];
    try {
      entries = await readdir(rel ? join(this.dir, rel) : this.dir, { withFileTypes: true });
    } catch (e) {
      if (isFsError(e, 'ENOENT') || isFsError(e, 'ENOTDIR')) return;
      throw e;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const d of entries) {
      const key = rel ? `${rel}/${d.name}` : d.name;
      if (!rel && d.name === 'tmp') continue;
      if (d.isDirectory()) {
        if (key.startsWith(prefix) || prefix.startsWith(`${key}/`)) yield* this.walk(key, prefix);
      } else if (d.isFile() && key.startsWith(prefix)) {
        const s = await stat(join(this.dir, key)).catch(() => null);
        if (s) yield { key, size: s.size };
      }
    }
  }

  private file(key: string): string {
    checkKey(key);
    return join(this.dir, key);
  }
}

/** Keys are relative paths of plain names: no `..`, no leading `/`, nothing in `tmp/`. */
function checkKey(key: string): void {
  const parts = key.split('/');
  const ok =
    key.length > 0 &&
    parts[0] !== 'tmp' &&
    parts.every((p) => p !== '' && p !== '.' && p !== '..' && /^[A-Za-z0-9._-]+$/.test(p));
  if (!ok) throw new DataError('BAD_PATH', `"${key}" is not an object key`, { key });
}

function checkPrefix(prefix: string): void {
  if (prefix === '') return;
  const parts = prefix.split('/');
  if (parts.some((p, i) => p === '..' || p === '.' || (p === '' && i < parts.length - 1))) {
    throw new DataError('BAD_PATH', `"${prefix}" is not a key prefix`, { prefix });
  }
}

/** Copies `src` to `dst` in 1 MiB chunks, reporting each chunk's bytes (as the S3 store does). */
async function copy(
  src: string,
  dst: string,
  flag: 'w' | 'wx',
  progress?: (bytes: number) => void,
): Promise<number> {
  const input = await open(src, 'r');
  let output: FileHandle | undefined;
  try {
    output = await open(dst, flag, 0o644);
    const buf = Buffer.allocUnsafe(CHUNK);
    let total = 0;
    for (;;) {
      const { bytesRead } = await input.read(buf, 0, CHUNK, total);
      if (bytesRead === 0) break;
      let off = 0;
      while (off < bytesRead) {
        off += (await output.write(buf, off, bytesRead - off)).bytesWritten;
      }
      total += bytesRead;
      progress?.(bytesRead);
    }
    return total;
  } finally {
    await output?.close();
    await input.close();
  }
}
