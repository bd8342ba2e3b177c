/**
 * `data/` — versioned datasets, as DVC does them but faster and safer. A pointer names
 * content by hash (`sha256:` by default, `md5:` to share a DVC remote); a directory's hash
 * is its manifest's. Bytes live in a content-addressed layout, `files/<algo>/<2>/<rest>`
 * (DVC 3's), in the local cache (`.mlops/cache`) and in remotes (a directory, or S3).
 * Every write goes to a temp file and is renamed only after its hash checks, so a crash
 * never leaves an object under a wrong name.
 *
 * @example
 * import { Cache, LocalObjectStore, addPath, push, pull, pointerRef, checkoutPointer }
 *   from './data/index.js';
 * const cache = new Cache(repoRoot);
 * const { pointer } = await addPath(repoRoot, 'datasets/images', { algo: 'sha256', cache });
 * const remote = new LocalObjectStore(`${repoRoot}/.mlops/remote`);
 * await push(cache, remote, [pointerRef(pointer)]);
 * // elsewhere, with the pointer committed:
 * await pull(cache, remote, [pointerRef(pointer)]);
 * await checkoutPointer(cache, pointer);
 */

// errors and path safety
export { DataError, formatBytes } from './errors.js';
export type { DataErrorCode } from './errors.js';
export { checkRelPath, pathFromCwd, resolveDataPath } from './paths.js';
export { ensureToolDir, TOOL_DIR } from './tool-dir.js';
export type { DataPath } from './paths.js';

// refs and pointers
export { refKey, keyRef, formatHash, pointerRef, HEX_LENGTH } from './hash/ref.js';
export type { DataRef, DataPointer } from './hash/ref.js';
export { objectKey } from './store/object-store.js';
export type { ObjectStore, ObjectInfo, ObjectRef, HashAlgorithm } from './store/object-store.js';

// hashing
export { hashFile, hashBytes, copyAndHash } from './hash/file.js';
export type { HashResult, HashFileOptions } from './hash/file.js';
export { hashTree } from './hash/tree.js';
export type { HashTreeOptions, HashTreeResult, HashProgress, TreeEntry } from './hash/tree.js';
export { hashPath, addPath } from './hash/add.js';
export type { HashPathOptions, HashPathResult } from './hash/add.js';
export { StatCache, STAT_CACHE_PATH } from './hash/stat-cache.js';
export { isHashWorker, serveHashJob } from './hash/worker.js';

// manifests and the cache
export {
  buildManifest,
  parseManifest,
  serializeManifest,
  manifestTotals,
  entryRefs,
} from './manifest.js';
export type { Manifest, ManifestEntry, BuiltManifest } from './manifest.js';
export { Cache, CACHE_DIR } from './cache.js';
export type { CacheOptions, StatFs, VerifyResult } from './cache.js';

// remotes
export { LocalObjectStore } from './store/local.js';
export { putTextObject, readTextObjects } from './store/text-objects.js';

// transfers
export { push } from './transfer/push.js';
export { pull } from './transfer/pull.js';
export { verify } from './transfer/verify.js';
export type { VerifyOptions, VerifyReport, VerifyProblem } from './transfer/verify.js';
export { gc, keepKeys } from './transfer/gc.js';
export type { GcOptions, GcReport } from './transfer/gc.js';
export { checkoutPointer } from './transfer/checkout.js';
export type { CheckoutOptions, CheckoutReport } from './transfer/checkout.js';
export type { TransferOptions, TransferReport, TransferFailure } from './transfer/common.js';
export { retry, isTransientError, backoffDelay } from './transfer/retry.js';
export type { RetryOptions } from './transfer/retry.js';
export { createProgress, formatProgress, formatSize, silentProgress } from './transfer/progress.js';
export type { Progress, ProgressOptions } from './transfer/progress.js';

// DVC interop
export { parseDvcFile, toDvcFile } from './dvc.js';

// ── S3 remote (src/data/store/s3.ts): exports go here ──

// ── tables (src/data/table/**): exports go here ──

// ── expectations (src/data/expectations/**): exports go here ──

// ── the workspace, pointer files and data checks (src/data/{workspace,pointer-file,check}.ts) ──
export { DataWorkspace } from './workspace.js';
export type { PointerFile } from './workspace.js';
export {
  datasetName,
  formatOf,
  pointerRecordText,
  writeAtomic,
  existingPointer,
  gitIgnore,
} from './pointer-file.js';
export { checkDataset, describeExpectation, explainResult, resultFindings } from './check.js';
export { checkExpectations, ExpectationChecker } from './expectations/index.js';
export type { ExpectationResult } from './expectations/index.js';
export { readTable, readBatches, describeTable, detectFormat, TableError } from './table/index.js';
export type { TableFormat, TableDescription } from './table/index.js';
export { datasetChecker } from './validate-hook.js';
export { artifactChecker, artifactRemote } from './artifact-check.js';
export { checkWorkspace, withoutCredentials } from './base-storage.js';
export type { StorageContext } from './base-storage.js';
