/**
 * A push, pull or add run in a child process so a test can SIGKILL it midway
 * (src/data/transfer/crash.test.ts). It prints one line per settled object, and once
 * `stallAfter` objects are settled it freezes the whole process in the middle of writing the
 * next object (after its first chunk), prints STALLED, and waits to be killed.
 *
 *   node --import tsx test/helpers/data-crash-child.ts push|pull ROOT REMOTE_DIR POINTER_JSON STALL_AFTER
 *   node --import tsx test/helpers/data-crash-child.ts add ROOT - PATH STALL_AFTER
 */
import { Cache, LocalObjectStore, addPath, pointerRef, pull, push } from '../../src/data/index.js';
import type { DataPointer, ObjectStore } from '../../src/data/index.js';

const [mode, root, remoteDir, pointerJson, stallAfter] = process.argv.slice(2);
const inner = new LocalObjectStore(remoteDir!);
const stall = Number(stallAfter);
let settled = 0;

function maybeStall(cumulative: number): void {
  if (stall < 0 || settled < stall || cumulative < 1 << 20) return;
  process.stdout.write('STALLED\n');
  // Block the event loop: the half-written temp stays as it is until the kill.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 120_000);
}

// Stores report the bytes of each chunk; the stall looks at the total so far.
const store: ObjectStore = {
  description: inner.description,
  stat: (k) => inner.stat(k),
  list: (p) => inner.list(p),
  delete: (k) => inner.delete(k),
  put: (k, f, size, progress) => {
    let total = 0;
    return inner.put(k, f, size, (b) => {
      progress?.(b);
      total += b;
      if (total < size) maybeStall(total);
    });
  },
  get: (k, f, progress) => {
    let total = 0;
    return inner.get(k, f, (b) => {
      progress?.(b);
      total += b;
      maybeStall(total);
    });
  },
};

const cache = new Cache(root!);
if (mode === 'add') {
  // Stall inside a file: bytes moved on since the last file was done.
  let files = 0;
  let bytesAtFile = 0;
  const { pointer } = await addPath(root!, pointerJson!, {
    algo: 'sha256',
    cache,
    statCache: false,
    onProgress: (p) => {
      if (p.files !== files) {
        files = p.files;
        bytesAtFile = p.bytes;
        process.stdout.write(`added ${files}\n`);
      } else if (files >= stall && p.bytes > bytesAtFile) {
        process.stdout.write('STALLED\n');
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 120_000);
      }
    },
  });
  process.stdout.write(`REPORT ${JSON.stringify(pointer)}\n`);
  process.exit(0);
}
const ref = pointerRef(JSON.parse(pointerJson!) as DataPointer);
const opts = {
  concurrency: 4,
  onObject: (key: string, outcome: string) => {
    settled++;
    process.stdout.write(`${outcome} ${key}\n`);
  },
};
const report =
  mode === 'push' ? await push(cache, store, [ref], opts) : await pull(cache, store, [ref], opts);
process.stdout.write(`REPORT ${JSON.stringify(report)}\n`);
