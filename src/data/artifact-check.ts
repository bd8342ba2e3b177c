import { finding, type Finding, type LoadedRecord, type ModelVersion } from '../records/index.js';
import { checkWorkspace, type StorageContext } from './base-storage.js';
import { pointerRef, refKey } from './hash/ref.js';
import type { Env } from './store/s3-config.js';

/**
 * The remote a version's artifact is on: the one its `mlops://<remote>/…` uri names, else
 * the default remote (a uri of another form names no remote we can check, so the bytes must
 * be where training puts them by default).
 * @example
 * artifactRemote('mlops://local/runs/20260106-020000-x/model.json') // 'local'
 * artifactRemote('s3://elsewhere/model.json') // undefined: the default remote
 */
export function artifactRemote(uri: string): string | undefined {
  return /^mlops:\/\/([^/]+)\//.exec(uri)?.[1];
}

/**
 * The artifact check `mlops validate --base` runs on the versions a change registers: each
 * version's artifact must be on its remote with the size the version says. Asked with a stat
 * of the content-addressed key, never a download. A missing object, another size, an unknown
 * remote or a remote that cannot be asked is a finding on the version's `artifact.hash`.
 * @example
 * await validateRepository({ dir, base, checkArtifacts: artifactChecker(dir, process.env) });
 */
export function artifactChecker(
  root: string,
  env: Env,
): (versions: LoadedRecord[], context?: StorageContext) => Promise<Finding[]> {
  return async (versions, context) => {
    if (!versions.length) return [];
    const ws = checkWorkspace(root, env, context);
    const out: Finding[] = [];
    try {
      for (const rec of versions) {
        const v = rec.value as unknown as ModelVersion;
        const at = (field: string) => rec.locate(['artifact', field]);
        const named = artifactRemote(v.artifact.uri);
        try {
          const { name, store } = ws.store(named);
          const info = await store.stat(refKey(pointerRef({ hash: v.artifact.hash, dir: false })));
          if (!info) {
            out.push(
              finding(
                rec.path,
                at('hash'),
                'artifact/missing',
                `the artifact ${v.artifact.hash} of ${v.model} ${v.version} is not on remote "${name}" (${store.description}); a version must name bytes that were pushed (\`mlops train\` stores them)`,
              ),
            );
          } else if (info.size !== v.artifact.size) {
            out.push(
              finding(
                rec.path,
                at('size'),
                'artifact/size',
                `the artifact ${v.artifact.hash} on remote "${name}" is ${info.size} bytes, not ${v.artifact.size}`,
              ),
            );
          }
        } catch (e) {
          // fail closed: whatever kept the answer from us (an unknown remote, a refusal, a
          // network error) leaves the version unproven
          out.push(
            finding(
              rec.path,
              at('hash'),
              'artifact/unavailable',
              `cannot check that the artifact of ${v.model} ${v.version} is stored: ${messageOf(e)}`,
            ),
          );
        }
      }
    } finally {
      ws.close();
    }
    return out;
  };
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
