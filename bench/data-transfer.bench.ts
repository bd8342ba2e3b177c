/**
 * Data transfer speed against rclone, same S3 server, same run: s3rver on loopback (a child
 * process, over bench/.work/), 20,000 files of 100 KB and one file of 1 GiB, each a real
 * object of a local cache (`new Cache(root)`: `<root>/.mlops/cache/files/sha256/<2 hex>/<rest>`,
 * named by the sha256 of its bytes). Each case uploads everything into an empty prefix, then
 * downloads it into an empty place; ours is the transfer layer the product uses, `push` from
 * the source cache and `pull` into a fresh empty cache, 16 objects in flight, over
 * `S3ObjectStore`; rclone runs `rclone copy` of the same `files/` folder (identical objects
 * under identical keys, in another prefix) with `--transfers 16`, multipart at the same
 * threshold and part size. Both sides check what they move: `push` re-hashes each object
 * before upload and checks its size on the remote after; `pull` checks size and sha256 of
 * each download before renaming it into the cache; rclone checks its own checksums (MD5)
 * both ways. Small files: median of 3 runs; the big file: median of 2.
 *
 * Disk: at most source + server copy + download of one case (~5.8 GiB for the small files),
 * everything removed at the end. rclone is Debian's, installed with apt-get when missing.
 *
 * Run alone: `npx tsx bench/data-transfer.bench.ts` (DATA_BENCH_SMALL=2000
 * DATA_BENCH_BIG_MIB=128 for a quick look).
 */
import { execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { chmod, mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CACHE_DIR,
  Cache,
  pull,
  push,
  refKey,
  type DataRef,
  type ObjectStore,
  type TransferReport,
} from '../src/data/index.js';
import { S3ObjectStore } from '../src/data/store/s3.js';
import { startS3rver, type S3rverHandle } from '../test/helpers/s3rver.js';
import { figure, median, printFigures, type Figure } from './figure.js';

const WORK = fileURLToPath(new URL('./.work/data-transfer/', import.meta.url));
const SMALL_COUNT = Number(process.env.DATA_BENCH_SMALL ?? 20_000);
const SMALL_SIZE = 100_000;
const BIG_SIZE = Number(process.env.DATA_BENCH_BIG_MIB ?? 1024) * 1024 * 1024;
const CONCURRENCY = 16;
const SMALL_RUNS = 3;
const BIG_RUNS = 2;
const BUCKET = 'bench';
const MiB = 1024 * 1024;
/**
 * Same shape of work as ours: 16 objects in flight, multipart from 64 MiB in 8 MiB parts, 4
 * parts at a time; checksums on (rclone's defaults), as ours verifies hashes.
 */
const RCLONE_FLAGS = [
  `--transfers=${CONCURRENCY}`,
  `--checkers=${CONCURRENCY}`,
  '--s3-upload-cutoff=64M',
  '--s3-chunk-size=8M',
  '--s3-upload-concurrency=4',
  // s3rver answers delimiter listings without their common prefixes; list recursively.
  '--fast-list',
];

/** An object of the bench: a cache ref with its size, as pointers give them. */
export type BenchRef = DataRef & { size: number };

/** Throws unless `report` moved every one of `count` objects and nothing failed. */
function expectAll(what: string, report: TransferReport, count: number): void {
  const f = report.failed[0];
  if (f) throw new Error(`${what}: ${report.failed.length} failed, first ${f.key}: ${f.message}`);
  if (report.transferred !== count) {
    throw new Error(
      `${what}: ${report.transferred} of ${count} objects transferred (${report.skipped} skipped)`,
    );
  }
}

/** Uploads every object from `cache` through the transfer layer's `push`. */
export async function pushAll(
  cache: Cache,
  store: ObjectStore,
  refs: readonly BenchRef[],
  concurrency = CONCURRENCY,
): Promise<void> {
  expectAll('push', await push(cache, store, refs, { concurrency }), refs.length);
}

/**
 * Downloads every object into `cache` through the transfer layer's `pull`, which checks each
 * one's size and sha256 before renaming it into place.
 */
export async function pullAll(
  cache: Cache,
  store: ObjectStore,
  refs: readonly BenchRef[],
  concurrency = CONCURRENCY,
): Promise<void> {
  expectAll('pull', await pull(cache, store, refs, { concurrency }), refs.length);
}

/** rclone on PATH, installing Debian's package when it is missing. */
export function needRclone(): string {
  const found = () => {
    try {
      return execFileSync('rclone', ['version'], { encoding: 'utf8' }).split('\n')[0]!;
    } catch {
      return null;
    }
  };
  const have = found();
  if (have) return have;
  console.log('# installing rclone (apt-get)');
  const root = process.getuid?.() === 0;
  const apt = (args: string[]) =>
    execFileSync(root ? 'apt-get' : 'sudo', root ? args : ['apt-get', ...args], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  apt(['update']);
  apt(['install', '-y', 'rclone']);
  const now = found();
  if (!now) throw new Error('rclone is still missing after apt-get install rclone');
  return now;
}

function rcloneEnv(s3: S3rverHandle): NodeJS.ProcessEnv {
  // Nothing of the caller's AWS setup (AWS_CA_BUNDLE breaks rclone's plain-http transport).
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_') && !k.startsWith('RCLONE_')),
  );
  return {
    ...base,
    RCLONE_CONFIG_BENCH_TYPE: 's3',
    RCLONE_CONFIG_BENCH_PROVIDER: 'Other',
    RCLONE_CONFIG_BENCH_ENDPOINT: s3.endpoint,
    RCLONE_CONFIG_BENCH_ACCESS_KEY_ID: s3.env.AWS_ACCESS_KEY_ID,
    RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY: s3.env.AWS_SECRET_ACCESS_KEY,
    RCLONE_CONFIG_BENCH_REGION: 'us-east-1',
    RCLONE_CONFIG_BENCH_FORCE_PATH_STYLE: 'true',
    RCLONE_CONFIG_BENCH_NO_CHECK_BUCKET: 'true',
    RCLONE_CONFIG: '/dev/null',
  };
}

async function rclone(args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const child = spawn('rclone', args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`rclone ${args.join(' ')} exited ${code}: ${err}`)),
    );
  });
}

async function timed(fn: () => Promise<void>): Promise<number> {
  // Each case starts with the page cache flushed, so that one case's writeback does not
  // slow the next one down.
  execFileSync('sync');
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

async function sha256File(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const c of createReadStream(file)) h.update(c as Buffer);
  return h.digest('hex');
}

/**
 * Writes `count` random files of `size` bytes as objects of `cache`: each at its key, named
 * by the sha256 of its bytes, read-only, as `Cache.add` leaves them.
 */
async function generate(cache: Cache, count: number, size: number): Promise<BenchRef[]> {
  const refs: BenchRef[] = [];
  const made = new Set<string>();
  const chunk = Math.min(size, 64 * MiB);
  for (let i = 0; i < count; i++) {
    const h = createHash('sha256');
    const parts: Buffer[] = [];
    for (let done = 0; done < size; done += chunk) {
      const b = randomBytes(Math.min(chunk, size - done));
      h.update(b);
      parts.push(b);
    }
    const ref: BenchRef = { algo: 'sha256', hex: h.digest('hex'), size };
    const file = cache.path(ref);
    if (!made.has(dirname(file))) {
      made.add(dirname(file));
      await mkdir(dirname(file), { recursive: true });
    }
    if (parts.length === 1) {
      await writeFile(file, parts[0]!);
    } else {
      await writeFile(file, '');
      for (const p of parts) await writeFile(file, p, { flag: 'a' });
    }
    await chmod(file, 0o444);
    refs.push(ref);
  }
  return refs;
}

/** Every regular file under `root`, as `relative path → size`. */
async function tree(root: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const e of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const path = join(e.parentPath, e.name);
    out.set(path.slice(root.length + 1), (await stat(path)).size);
  }
  return out;
}

/**
 * Checks that `dir` (a cache's directory, or rclone's download) holds exactly the objects
 * under their keys (no stray temp), sizes equal, a sample's sha256 equal to its name.
 */
async function checkDownload(dir: string, refs: readonly BenchRef[], sample: number) {
  const got = await tree(dir);
  if (got.size !== refs.length) {
    throw new Error(`${dir}: ${got.size} files, expected ${refs.length}`);
  }
  for (const r of refs) {
    if (got.get(refKey(r)) !== r.size) throw new Error(`${dir}/${refKey(r)}: wrong or missing`);
  }
  const step = Math.max(1, Math.floor(refs.length / sample));
  for (let i = 0; i < refs.length; i += step) {
    const r = refs[i]!;
    if ((await sha256File(join(dir, refKey(r)))) !== r.hex) {
      throw new Error(`${dir}/${refKey(r)}: bytes differ`);
    }
  }
}

async function countRemote(store: ObjectStore): Promise<number> {
  let n = 0;
  for await (const o of store.list('files/')) if (o.size >= 0) n++;
  return n;
}

interface CaseResult {
  oursUp: number[];
  oursDown: number[];
  peerUp: number[];
  peerDown: number[];
}

/** Uploads and downloads `refs` `runs` times each way, ours and rclone's. */
async function measure(
  s3: S3rverHandle,
  src: Cache,
  refs: readonly BenchRef[],
  runs: number,
  sample: number,
): Promise<CaseResult> {
  const env = rcloneEnv(s3);
  const res: CaseResult = { oursUp: [], oursDown: [], peerUp: [], peerDown: [] };
  const dest = join(WORK, 'download');
  const bucketDir = join(s3.directory, BUCKET);
  for (let r = 0; r < runs; r++) {
    // Ours: push into an empty prefix, then pull into a fresh, empty cache.
    const store = new S3ObjectStore(
      { bucket: BUCKET, prefix: 'ours', endpoint: s3.endpoint },
      { env: s3.env },
    );
    res.oursUp.push(await timed(() => pushAll(src, store, refs)));
    if ((await countRemote(store)) !== refs.length)
      throw new Error('ours: objects missing after upload');
    await rm(dest, { recursive: true, force: true });
    res.oursDown.push(await timed(() => pullAll(new Cache(dest), store, refs)));
    await checkDownload(join(dest, CACHE_DIR), refs, sample);
    store.destroy();
    await rm(dest, { recursive: true, force: true });
    // s3rver keeps a prefix as a directory tree: removing it empties the prefix at once.
    await rm(join(bucketDir, 'ours'), { recursive: true, force: true });

    // rclone, the same objects under the same keys (`files/…`), in its own prefix.
    res.peerUp.push(
      await timed(() =>
        rclone(
          ['copy', join(src.dir, 'files'), `bench:${BUCKET}/rclone/files`, ...RCLONE_FLAGS],
          env,
        ),
      ),
    );
    const check = new S3ObjectStore(
      { bucket: BUCKET, prefix: 'rclone', endpoint: s3.endpoint },
      { env: s3.env },
    );
    if ((await countRemote(check)) !== refs.length)
      throw new Error('rclone: objects missing after upload');
    check.destroy();
    res.peerDown.push(
      await timed(() => rclone(['copy', `bench:${BUCKET}/rclone`, dest, ...RCLONE_FLAGS], env)),
    );
    await checkDownload(dest, refs, sample);
    await rm(dest, { recursive: true, force: true });
    await rm(join(bucketDir, 'rclone'), { recursive: true, force: true });
    console.log(
      `#   run ${r + 1}: ours up ${res.oursUp[r]!.toFixed(0)} ms, down ${res.oursDown[r]!.toFixed(0)} ms; ` +
        `rclone up ${res.peerUp[r]!.toFixed(0)} ms, down ${res.peerDown[r]!.toFixed(0)} ms`,
    );
  }
  return res;
}

function figures(label: string, srcFiles: string, res: CaseResult): Figure[] {
  const flags = RCLONE_FLAGS.join(' ');
  return [
    figure(
      `upload ${label} (push, ${CONCURRENCY} in flight)`,
      median(res.oursUp),
      `rclone copy ${srcFiles} s3:${BUCKET}/rclone/files ${flags}`,
      median(res.peerUp),
      'ratio <= 1.5',
    ),
    figure(
      `download ${label} (pull, size + sha256 checked, ${CONCURRENCY} in flight)`,
      median(res.oursDown),
      `rclone copy s3:${BUCKET}/rclone <dir> ${flags}`,
      median(res.peerDown),
      'ratio <= 1.5',
    ),
  ];
}

export async function run(): Promise<Figure[]> {
  console.log(`# ${needRclone()}`);
  await rm(WORK, { recursive: true, force: true });
  await mkdir(WORK, { recursive: true });
  const s3 = await startS3rver({ buckets: [BUCKET], directory: join(WORK, 's3rver') });
  const out: Figure[] = [];
  try {
    // The sources are cache roots: `small/.mlops/cache/files/sha256/…`.
    const smallCache = new Cache(join(WORK, 'small'));
    const small = await generate(smallCache, SMALL_COUNT, SMALL_SIZE);
    console.log(`# ${SMALL_COUNT} files × ${SMALL_SIZE} bytes generated`);
    out.push(
      ...figures(
        `${SMALL_COUNT} × 100 KB`,
        `small/${CACHE_DIR}/files/`,
        await measure(s3, smallCache, small, SMALL_RUNS, 200),
      ),
    );
    await rm(smallCache.root, { recursive: true, force: true });

    const bigCache = new Cache(join(WORK, 'big'));
    const big = await generate(bigCache, 1, BIG_SIZE);
    const bigLabel = BIG_SIZE === 1024 ** 3 ? '1 GiB' : `${BIG_SIZE / MiB} MiB`;
    console.log(`# 1 file of ${bigLabel} generated`);
    out.push(
      ...figures(
        `1 × ${bigLabel}`,
        `big/${CACHE_DIR}/files/`,
        await measure(s3, bigCache, big, BIG_RUNS, 1),
      ),
    );
  } finally {
    await s3.stop();
    await rm(WORK, { recursive: true, force: true });
  }
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) printFigures(await run());
