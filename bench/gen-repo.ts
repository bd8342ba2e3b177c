/**
 * Generates a registry repository for benchmarks with `git fast-import`: `commits` commits
 * over `models` models (model.yaml, deployment.yaml, versions/x.y.z.yaml, runs, model cards,
 * data pointers, policies), about a third of them arriving as a one-commit branch and its
 * merge, as promotion PRs do. Deterministic; packed as a server's repository is
 * (`git repack -adf`, no commit-graph). Cached under bench/.work/.
 *
 * Run alone: `npx tsx bench/gen-repo.ts [commits] [models]` prints the directory.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const WORK = join(dirname(fileURLToPath(import.meta.url)), '.work');
const VERSION = 1; // bump when the generated content changes

export const gitEnv: NodeJS.ProcessEnv = {
  ...process.env,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
};

export function git(dir: string, args: string[], input?: string): string {
  return execFileSync('git', args, {
    cwd: dir,
    env: gitEnv,
    input,
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
}

/** A small deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const modelName = (i: number) => `m${String(i).padStart(4, '0')}`;

export function genRepo(commits = 10_000, models = 100): string {
  const dir = join(WORK, `registry-${commits}-${models}-v${VERSION}`);
  if (existsSync(join(dir, 'generated'))) return dir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  git(dir, ['init', '-q', '--bare', '-b', 'main']);

  const rand = rng(42);
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)]!;
  const people = ['ana', 'bo', 'chen', 'dara', 'eli'];
  const versions = Array.from({ length: models }, () => [1, 0, 0]);
  let out = '';
  let mark = 0;
  let time = 1_700_000_000;
  const data = (s: string) => `data ${Buffer.byteLength(s)}\n${s}\n`;
  const commit = (
    branch: string,
    from: number | null,
    merge: number | null,
    msg: string,
    files: Record<string, string>,
  ) => {
    mark++;
    time += 600;
    const who = pick(people);
    out += `commit refs/heads/${branch}\nmark :${mark}\n`;
    out += `author ${who} <${who}@example.com> ${time} +0000\ncommitter ${who} <${who}@example.com> ${time} +0000\n`;
    out += data(msg);
    if (from !== null) out += `from :${from}\n`;
    if (merge !== null) out += `merge :${merge}\n`;
    for (const [path, content] of Object.entries(files))
      out += `M 100644 inline ${path}\n${data(content)}`;
    out += '\n';
    return mark;
  };

  const initial: Record<string, string> = {
    'policies/governance.yaml': 'kind: GovernancePolicy\nschema_version: 1\nmin_accuracy: 0.9\n',
    'policies/rollout.yaml': 'kind: RolloutPolicy\nschema_version: 1\nsteps: [5, 20, 50, 100]\n',
    'data/remotes.yaml': 'kind: Remotes\nschema_version: 1\nremotes: {local: {path: /srv/data}}\n',
    '.github/workflows/validate.yml': 'on: pull_request\njobs: {}\n',
  };
  for (let m = 0; m < models; m++) {
    const name = modelName(m);
    initial[`registry/models/${name}/model.yaml`] =
      `kind: Model\nschema_version: 1\nname: ${name}\nowners: [${pick(people)}]\n`;
    initial[`registry/models/${name}/deployment.yaml`] = deployment(name, null, null, 0);
    initial[`registry/models/${name}/versions/1.0.0.yaml`] = versionYaml(name, '1.0.0', 0.9);
  }
  let main = commit('main', null, null, 'seed registry\n', initial);

  for (let n = 1; n < commits;) {
    const m = Math.floor(rand() * models);
    const name = modelName(m);
    const v = versions[m]!;
    const roll = rand();
    let files: Record<string, string>;
    let msg: string;
    if (roll < 0.5) {
      if (rand() < 0.8) {
        v[2]!++;
      } else {
        v[1]!++;
        v[2] = 0;
      }
      const ver = v.join('.');
      const run = `2024${String(n).padStart(6, '0')}-${name}`;
      files = {
        [`registry/models/${name}/versions/${ver}.yaml`]: versionYaml(name, ver, 0.9 + rand() / 20),
        [`registry/runs/${name}/${run}.yaml`]: `kind: Run\nschema_version: 1\nid: ${run}\nmodel: ${name}\nstatus: finished\n`,
        [`model-cards/${name}/${ver}.yaml`]: `kind: ModelCard\nschema_version: 1\nmodel: ${name}\nversion: ${ver}\n`,
      };
      msg = `register ${name} ${ver}\n\nModel: ${name}\nVersion: ${ver}\n`;
    } else if (roll < 0.85) {
      const ver = v.join('.');
      files = {
        [`registry/models/${name}/deployment.yaml`]: deployment(
          name,
          ver,
          ver,
          Math.floor(rand() * 4),
        ),
      };
      msg = `rollout ${name} ${ver}\n\nModel: ${name}\nVersion: ${ver}\nStage: Staging\nApproved-by: ${pick(people)}\n`;
    } else if (roll < 0.95) {
      const ds = `ds${Math.floor(rand() * 20)}`;
      files = {
        [`data/${ds}.yaml`]: `kind: Dataset\nschema_version: 1\nname: ${ds}\nhash: sha256:${Math.floor(rand() * 1e15).toString(16)}\n`,
      };
      msg = `update dataset ${ds}\n`;
    } else {
      files = {
        [`registry/models/${name}/model.yaml`]: `kind: Model\nschema_version: 1\nname: ${name}\nowners: [${pick(people)}, ${pick(people)}]\n`,
      };
      msg = `update ${name} owners\n\nModel: ${name}\n`;
    }
    if (rand() < 0.33 && n + 2 <= commits) {
      // A PR: one commit on a branch from main, merged with a merge commit.
      const side = commit('pr', main, null, msg, files);
      main = commit('main', main, side, `Merge pull request #${n}\n\n${msg}`, files);
      n += 2;
    } else {
      main = commit('main', main, null, msg, files);
      n += 1;
    }
  }
  out += 'done\n';
  git(dir, ['fast-import', '--quiet', '--done'], out);
  git(dir, ['update-ref', '-d', 'refs/heads/pr']);
  git(dir, ['repack', '-q', '-a', '-d', '-f', '--depth=50', '--window=10']);
  git(dir, ['prune-packed']);
  writeFileSync(join(dir, 'generated'), `${commits} ${models}\n`);
  return dir;
}

function deployment(
  name: string,
  production: string | null,
  candidate: string | null,
  step: number,
): string {
  return `kind: Deployment\nschema_version: 1\nmodel: ${name}\nproduction: ${production ?? 'null'}\ncandidate: ${candidate ?? 'null'}\nrollout:\n  step: ${step}\n  weight: ${[5, 20, 50, 100][step]}\n`;
}

function versionYaml(name: string, version: string, accuracy: number): string {
  return `kind: ModelVersion\nschema_version: 1\nmodel: ${name}\nversion: ${version}\nmetrics:\n  accuracy: ${accuracy.toFixed(4)}\n  latency_p95_ms: 42\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [commits, models] = process.argv.slice(2).map(Number);
  console.log(genRepo(commits || undefined, models || undefined));
}
