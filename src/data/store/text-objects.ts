import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ObjectStore } from './object-store.js';

/**
 * Small text objects outside the content-addressed layout (metrics buckets, production
 * logs): written once under a key that is refused when taken, and read back whole. Stores
 * move files, so each goes through a private temporary folder that is always removed.
 */
async function withTemp<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'mlops-object-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Writes `text` under `key`; an existing object is never overwritten.
 * @throws Error naming the key and the store when it is already there
 */
export async function putTextObject(store: ObjectStore, key: string, text: string): Promise<void> {
  if ((await store.stat(key)) !== null)
    throw new Error(`${key} is already in ${store.description}; it is not rewritten`);
  await withTemp(async (dir) => {
    const file = join(dir, 'object');
    await writeFile(file, text);
    await store.put(key, file, Buffer.byteLength(text), undefined, { knownAbsent: true });
  });
}

/** Every object under `prefix` whose key ends with `suffix`, in key order, as text. */
export async function readTextObjects(
  store: ObjectStore,
  prefix: string,
  suffix: string,
): Promise<{ name: string; text: string }[]> {
  const keys: string[] = [];
  for await (const o of store.list(prefix)) if (o.key.endsWith(suffix)) keys.push(o.key);
  keys.sort();
  return withTemp(async (dir) => {
    const out: { name: string; text: string }[] = [];
    for (const [i, key] of keys.entries()) {
      const file = join(dir, String(i));
      await store.get(key, file);
      out.push({ name: key, text: await readFile(file, 'utf8') });
    }
    return out;
  });
}
