/**
 * Generates a 10,000-commit registry whose Deployments tell a real chain of custody, for the
 * audit bench: `bench/gen-repo.ts`'s shape (commits spread over 100 models, a third of them
 * arriving as a branch and its merge), but every Deployment is a valid record and every
 * model's life is the one the controller writes — register a version, merge its promotion
 * pull request (`Merge pull request #N from promote/<model>/<version>`), then start, advance
 * and promote steps with the controller's trailers and traffic files. Built with
 * `git fast-import`, packed, cached under bench/.work/.
 *
 * Run alone: `npx tsx bench/gen-custody.ts` prints the directory.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WORK, git, modelName } from './gen-repo.js';

const VERSION = 2; // bump when the generated content changes
const POLICY = readFileSync(
  join(fileURLToPath(new URL('..', import.meta.url)), 'policies', 'rollout.yaml'),
  'utf8',
);
const WEIGHTS = [5, 20, 50];
const HOLDS = [6, 12, 24]; // hours

interface Life {
  production: string;
  archived: string[];
  next: number;
}

export function genCustodyRepo(commits = 10_000, models = 100): string {
  const dir = join(WORK, `custody-${commits}-${models}-v${VERSION}`);
  if (existsSync(join(dir, 'generated'))) return dir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  git(dir, ['init', '-q', '--bare', '-b', 'main']);

  let out = '';
  let mark = 0;
  let time = 1_700_000_000;
  let pr = 0;
  const data = (s: string) => `data ${Buffer.byteLength(s)}\n${s}\n`;
  const commit = (
    branch: string,
    from: number | null,
    merge: number | null,
    msg: string,
    files: Record<string, string>,
    advance = 600,
  ): number => {
    mark++;
    time += advance;
    out += `commit refs/heads/${branch}\nmark :${mark}\n`;
    out += `author bot <bot@example.com> ${time} +0000\ncommitter bot <bot@example.com> ${time} +0000\n`;
    out += data(msg);
    if (from !== null) out += `from :${from}\n`;
    if (merge !== null) out += `merge :${merge}\n`;
    for (const [path, content] of Object.entries(files))
      out += `M 100644 inline ${path}\n${data(content)}`;
    out += '\n';
    return mark;
  };

  const lives: Life[] = [];
  const initial: Record<string, string> = { 'policies/rollout.yaml': POLICY };
  for (let m = 0; m < models; m++) {
    const name = modelName(m);
    lives.push({ production: '1.0.0', archived: [], next: 1 });
    initial[`registry/models/${name}/deployment.yaml`] = deployment(name, lives[m]!, null, null);
    initial[`registry/models/${name}/versions/1.0.0.yaml`] = `version: 1.0.0\n`;
  }
  let main = commit('main', null, null, 'seed registry\n', initial);

  // one model's life, a commit at a time: register, promote (PR), start, advance ×2, promote
  const stepsOf = (m: number): (() => void)[] => {
    const name = modelName(m);
    const life = lives[m]!;
    const version = `1.${life.next}.0`;
    const dep = `registry/models/${name}/deployment.yaml`;
    const traffic = (w: number) => ({
      [`registry/models/${name}/traffic/nginx.conf`]: `# ${name} ${w}%\n`,
    });
    const id = `${name}-${version}-${life.next}`;
    const trailers = (decision: string, weight: number) =>
      `\n\nModel: ${name}\nVersion: ${version}\nRollout: ${id}\nDecision: ${decision}\nWeight: ${weight}%\n`;
    let since = '';
    const rollout = (step: number) => ({
      id,
      baseline: life.production,
      candidate: version,
      step,
      weight: WEIGHTS[step]!,
      since,
      failures: 0,
    });
    return [
      () => {
        main = commit('main', main, null, `Register ${name} ${version}\n`, {
          [`registry/models/${name}/versions/${version}.yaml`]: `version: ${version}\n`,
        });
      },
      () => {
        const n = ++pr;
        // fast-import takes a commit's tree as given: the merge repeats the branch's change
        const files = { [dep]: deployment(name, life, version, null) };
        const side = commit(
          `promote/${name}/${version}`,
          main,
          null,
          `Promote ${name} ${version}\n`,
          files,
        );
        const msg = `Merge pull request #${n} from promote/${name}/${version}\n\nPromote ${name} ${version}\n\nModel: ${name}\nDecision: auto-approve\n`;
        main = commit('main', main, side, msg, files);
      },
      ...[0, 1, 2].map((step) => () => {
        // each step after the previous one's hold
        time += step === 0 ? 0 : HOLDS[step - 1]! * 3600;
        since = new Date((time + 600) * 1000).toISOString();
        main = commit(
          'main',
          main,
          null,
          `rollout ${name}: ${step ? 'advance' : 'start'}${trailers(step ? 'advance' : 'start', WEIGHTS[step]!)}`,
          {
            [dep]: deployment(name, life, version, rollout(step)),
            ...traffic(WEIGHTS[step]!),
          },
        );
      }),
      () => {
        time += HOLDS[2]! * 3600;
        life.archived = [...life.archived, life.production];
        life.production = version;
        life.next++;
        main = commit('main', main, null, `rollout ${name}: promote${trailers('promote', 100)}`, {
          [dep]: deployment(name, life, null, null),
          ...traffic(100),
        });
      },
    ];
  };

  // interleave the models' lives until the commit count is reached
  const queues: (() => void)[][] = Array.from({ length: models }, (_, m) => stepsOf(m));
  let seed = 42;
  const rand = () => {
    // mulberry32, as gen-repo.ts
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  while (mark < commits) {
    const m = Math.floor(rand() * models);
    if (!queues[m]!.length) queues[m] = stepsOf(m);
    queues[m]!.shift()!();
  }
  out += `reset refs/heads/main\nfrom :${main}\n\n`;
  git(dir, ['fast-import', '--quiet'], out);
  git(dir, ['repack', '-adfq']);
  writeFileSync(join(dir, 'generated'), `${mark}\n`);
  return dir;
}

function deployment(
  name: string,
  life: Life,
  candidate: string | null,
  rollout: Record<string, unknown> | null,
): string {
  const r = rollout
    ? `rollout:\n${Object.entries(rollout)
        .map(([k, v]) => `  ${k}: ${typeof v === 'string' ? JSON.stringify(v) : String(v)}`)
        .join('\n')}\n`
    : 'rollout: null\n';
  return (
    `kind: Deployment\nschema_version: 1\nmodel: ${name}\nproduction: ${life.production}\n` +
    `candidate: ${candidate ?? 'null'}\narchived: [${life.archived.join(', ')}]\nrejected: []\n${r}`
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [commits, models] = process.argv.slice(2).map(Number);
  console.log(genCustodyRepo(commits || undefined, models || undefined));
}
