import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCli } from './helpers/cli.js';
import { VERSION } from '../src/cli/version.js';
import { packageRoot } from '../src/demo/example.js';
import { exampleFiles } from '../src/demo/example.js';
import { InitError, WORKFLOWS, createFile, initRepository, planInit } from '../src/init/index.js';

const PKG = packageRoot();
const SHIPPED = WORKFLOWS;

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = realpathSync(mkdtempSync(join(tmpdir(), 'mlops-init-')));
  dirs.push(d);
  return d;
}

function git(dir: string, ...args: string[]): string {
  return execFileSync(
    'git',
    ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', ...args],
    { cwd: dir, encoding: 'utf8' },
  );
}

/** An empty git repository. */
function gitRepo(): string {
  const d = tempDir();
  git(d, 'init', '-q', '-b', 'main');
  return d;
}

const mlops = (cwd: string, ...argv: string[]) => runCli(cwd, argv);

/** Every file of the work tree (not .git) as path → bytes. */
function snapshot(root: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      const rel = relative(root, p).split('\\').join('/');
      if (e.isDirectory()) {
        if (p !== join(root, '.git')) walk(p);
      } else if (e.isSymbolicLink()) out.set(rel, Buffer.from(`-> ${readlinkSync(p)}`));
      else out.set(rel, readFileSync(p));
    }
  };
  walk(root);
  return out;
}

const read = (dir: string, path: string) => readFileSync(join(dir, path), 'utf8');

describe('mlops init', () => {
  it('scaffolds an empty repository that validates, and commits to one `ls` reads', async () => {
    const dir = gitRepo();
    const r = await mlops(dir, 'init');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const files = [
      'policies/governance.yaml',
      'policies/rollout.yaml',
      'policies/drift.yaml',
      'policies/retraining.yaml',
      'data/remotes.yaml',
      'schemas/Model.schema.json',
      'registry/models/.gitkeep',
      'registry/runs/.gitkeep',
      'registry/features/.gitkeep',
      'model-cards/.gitkeep',
      '.github/CODEOWNERS',
      '.gitignore',
      ...SHIPPED.map((w) => `.github/workflows/${w}`),
    ];
    for (const f of files) expect(existsSync(join(dir, f)), f).toBe(true);
    expect(existsSync(join(dir, '.github/workflows/ci.yml'))).toBe(false);
    for (const p of ['governance', 'rollout', 'drift', 'retraining']) {
      expect(read(dir, `policies/${p}.yaml`)).toBe(read(PKG, `policies/${p}.yaml`));
    }
    for (const s of readdirSync(join(PKG, 'schemas'))) {
      expect(read(dir, `schemas/${s}`)).toBe(read(PKG, `schemas/${s}`));
    }
    expect(read(dir, 'data/remotes.yaml')).toMatch(/^default: local$/m);
    expect(read(dir, 'data/remotes.yaml')).toMatch(/^ {2}# {3}endpoint: https:/m);
    expect(r.out).toContain('created policies/rollout.yaml\n');
    expect(r.out).toContain('git add -A && git commit -m "Adopt gitops-mlops"');
    expect(r.out).toMatch(/mlops validate[\s\S]*MLOPS_TOKEN[\s\S]*self-hosted, gpu/);
    expect(r.out).toMatch(/`validate` and `mlops\/governance` checks/);
    expect(git(dir, 'status', '--porcelain')).not.toBe(''); // nothing committed

    const v = await mlops(dir, 'validate');
    expect(v.err).toMatch(/: ok\n$/);
    expect(v.code).toBe(0);

    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'Adopt gitops-mlops');
    expect((await mlops(dir, 'validate')).code).toBe(0);
    const ls = await mlops(dir, 'ls');
    expect(ls.err).toBe('');
    expect(ls.code).toBe(0);
    expect(git(dir, 'status', '--porcelain', '--ignored')).toBe(''); // .gitkeep files tracked
  });

  it('writes at the top of the work tree from a folder inside it', async () => {
    const dir = gitRepo();
    mkdirSync(join(dir, 'src/deep'), { recursive: true });
    expect((await mlops(join(dir, 'src/deep'), 'init')).code).toBe(0);
    expect(existsSync(join(dir, 'policies/governance.yaml'))).toBe(true);
    expect(existsSync(join(dir, 'src/deep/policies'))).toBe(false);
    const other = gitRepo();
    expect((await mlops(dir, 'init', '--dir', other, '--json')).code).toBe(0);
    expect(existsSync(join(other, 'policies/governance.yaml'))).toBe(true);
  });

  it('changes no byte when run again, and says there is nothing to do', async () => {
    const dir = gitRepo();
    expect((await mlops(dir, 'init')).code).toBe(0);
    const before = snapshot(dir);
    const r = await mlops(dir, 'init');
    expect(r.code).toBe(0);
    expect(snapshot(dir)).toEqual(before);
    expect(r.out).toMatch(
      new RegExp(
        `nothing to do: gitops-mlops is already set up here \\(${before.size} files kept\\)`,
      ),
    );
    expect(r.out).toContain('kept policies/rollout.yaml (exists)\n');
    expect(r.out).not.toMatch(/^created/m);
  });

  it('keeps existing files, and only appends the missing lines to .gitignore', async () => {
    const dir = gitRepo();
    mkdirSync(join(dir, 'policies'));
    const rollout = '# ours\nkind: RolloutPolicy\n';
    writeFileSync(join(dir, 'policies/rollout.yaml'), rollout);
    writeFileSync(join(dir, '.gitignore'), 'node_modules/\n*.log');
    writeFileSync(join(dir, 'CODEOWNERS'), '* @someone\n');
    const r = await mlops(dir, 'init');
    expect(r.code).toBe(0);
    expect(read(dir, 'policies/rollout.yaml')).toBe(rollout);
    expect(r.out).toContain('kept policies/rollout.yaml (exists)\n');
    expect(r.out).toContain('created policies/governance.yaml\n');
    const ignore = read(dir, '.gitignore');
    expect(ignore.startsWith('node_modules/\n*.log\n')).toBe(true);
    expect(ignore.split('\n')).toContain('.mlops/');
    expect(r.out).toMatch(
      /appended to \.gitignore: \.mlops\/, \/site\/ \(the one edit of an existing file\)/,
    );
    // GitHub would read .github/CODEOWNERS before the root's one: the user's stays in charge
    expect(existsSync(join(dir, '.github/CODEOWNERS'))).toBe(false);
    expect(r.out).toContain('kept .github/CODEOWNERS (CODEOWNERS exists)\n');

    const again = await mlops(dir, 'init');
    expect(read(dir, '.gitignore')).toBe(ignore);
    expect(again.out).toMatch(/nothing to do/);
  });

  it('keeps a record folder that exists without adding a .gitkeep to it', async () => {
    const dir = gitRepo();
    mkdirSync(join(dir, 'registry/models/m'), { recursive: true });
    const r = await mlops(dir, 'init');
    expect(r.out).toContain('kept registry/models/.gitkeep (registry/models exists)\n');
    expect(existsSync(join(dir, 'registry/models/.gitkeep'))).toBe(false);
    expect(existsSync(join(dir, 'registry/runs/.gitkeep'))).toBe(true);
  });

  it('refuses, writing nothing, where a file stands in the way of a folder', async () => {
    const dir = gitRepo();
    writeFileSync(join(dir, 'schemas'), 'not a folder\n');
    const r = await mlops(dir, 'init');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^mlops: schemas is not a folder, .*nothing was written/);
    expect([...snapshot(dir).keys()]).toEqual(['schemas']);
  });

  it('refuses, writing nothing, where a file stands in the place of a record folder', async () => {
    const dir = gitRepo();
    writeFileSync(join(dir, 'model-cards'), 'not a folder\n');
    const r = await mlops(dir, 'init');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^mlops: model-cards is not a folder, .*nothing was written/);
    expect([...snapshot(dir).keys()]).toEqual(['model-cards']);
  });

  it('removes what it created when a write fails halfway, leaving no file behind', async () => {
    const dir = gitRepo();
    let n = 0;
    // the 20th file cannot be written (a full disk, say)
    const create = (abs: string, content: Uint8Array) => {
      if (++n === 20) throw new Error(`ENOSPC: no space left on device, open '${abs}'`);
      return createFile(abs, content);
    };
    const err = await initRepository({
      dir,
      packageRoot: PKG,
      actions: { repo: 'gitops-mlops/gitops-mlops', ref: `v${VERSION}` },
      create,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InitError);
    expect((err as InitError).code).toBe('WRITE_FAILED');
    expect((err as Error).message).toMatch(/^nothing was written: ENOSPC/);
    expect(n).toBe(20);
    expect([...snapshot(dir).keys()]).toEqual([]);
  });
});

describe('mlops init: where the workflows take the actions from', () => {
  const usesLocal = /uses:\s*\.\/(\.mlops-base\/)?actions\//;

  it('pins the actions to this version of gitops-mlops by default', async () => {
    const dir = gitRepo();
    expect((await mlops(dir, 'init')).code).toBe(0);
    const validate = read(dir, '.github/workflows/validate.yml');
    expect(validate).toContain(`uses: gitops-mlops/gitops-mlops/actions/validate@v${VERSION}`);
    expect(validate).toContain(`uses: gitops-mlops/gitops-mlops/actions/governance@v${VERSION}`);
    for (const w of SHIPPED) {
      const text = read(dir, `.github/workflows/${w}`);
      expect(text).not.toMatch(usesLocal);
      // the base checkouts only served the local actions: they go with them (the header's
      // comment still says what they were for)
      const code = text.split('\n').filter((l) => !/^\s*#/.test(l));
      expect(code.filter((l) => l.includes('.mlops-base'))).toEqual([]);
    }
    if (SHIPPED.includes('retrain.yml')) {
      expect(read(dir, '.github/workflows/retrain.yml')).toContain(
        'uses: ./.github/workflows/train.yml',
      );
    }
    expect(existsSync(join(dir, 'actions'))).toBe(false);
    expect((await mlops(dir, 'validate')).code).toBe(0);
  });

  it('takes them from another repository with --actions owner/repo@ref', async () => {
    const dir = gitRepo();
    expect((await mlops(dir, 'init', '--actions', 'acme/mlops@v2')).code).toBe(0);
    const validate = read(dir, '.github/workflows/validate.yml');
    expect(validate).toContain('uses: acme/mlops/actions/validate@v2\n');
    expect(validate).not.toContain('gitops-mlops/gitops-mlops');
    expect((await mlops(dir, 'validate')).code).toBe(0);
  });

  it('copies them into the repository with --actions vendor', async () => {
    const dir = gitRepo();
    expect((await mlops(dir, 'init', '--actions', 'vendor')).code).toBe(0);
    for (const w of SHIPPED) {
      const text = read(dir, `.github/workflows/${w}`);
      expect(text).toBe(read(PKG, `.github/workflows/${w}`));
      for (const [, name] of text.matchAll(/uses:\s*\.\/(?:\.mlops-base\/)?actions\/([\w.-]+)/g)) {
        for (const f of ['action.yml', 'dist/index.js']) {
          const path = `actions/${name}/${f}`;
          expect(readFileSync(join(dir, path)).equals(readFileSync(join(PKG, path))), path).toBe(
            true,
          );
        }
      }
    }
    // the jobs that hold secrets run the vendored bundles from their checkout of the base
    const validate = read(dir, '.github/workflows/validate.yml');
    expect(validate).toContain('uses: ./.mlops-base/actions/validate\n');
    expect(validate).toContain('uses: ./.mlops-base/actions/governance\n');
    expect(validate).not.toMatch(/uses:\s*\.\/actions\//);
    expect(existsSync(join(dir, 'actions/validate/src'))).toBe(false);
    expect((await mlops(dir, 'validate')).code).toBe(0);
  });

  it.each(['acme', 'acme/mlops@', 'acme/mlops@..', 'a/b/c@v1', 'https://github.com/a/b'])(
    'refuses --actions %s, writing nothing',
    async (bad) => {
      const dir = gitRepo();
      const r = await mlops(dir, 'init', '--actions', bad);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/^mlops: --actions must be owner\/repo@ref .* or vendor; got/);
      expect(snapshot(dir).size).toBe(0);
    },
  );
});

describe('mlops init: what the approvers own', () => {
  // the actions the workflows run with their tokens, and where storage is reached
  const OWNED = ['actions/', 'data/remotes.yaml'];

  it.each([
    ['owner/repo@ref', ['--actions', 'acme/mlops@v2']],
    ['vendor', ['--actions', 'vendor']],
  ])(
    'puts actions/ and data/remotes.yaml in CODEOWNERS and high_risk_paths (--actions %s)',
    async (_, args) => {
      const dir = gitRepo();
      expect((await mlops(dir, 'init', '--approvers', 'alice', ...args)).code).toBe(0);
      const owners = read(dir, '.github/CODEOWNERS').split('\n');
      for (const p of ['policies/', '.github/', ...OWNED]) expect(owners).toContain(`/${p} @alice`);
      const policy = parse(read(dir, 'policies/governance.yaml')) as {
        risk: { high_risk_paths: string[] };
      };
      expect(policy.risk.high_risk_paths).toEqual(
        expect.arrayContaining(['policies/', '.github/', ...OWNED]),
      );
      // the vendored bundles are where CODEOWNERS and the policy look
      if (args[1] === 'vendor')
        expect(existsSync(join(dir, 'actions/governance/dist/index.js'))).toBe(true);
      expect((await mlops(dir, 'validate')).code).toBe(0);
    },
  );
});

describe('mlops init: links out of the repository', () => {
  it.each([
    ['a folder', 'policies', (outside: string) => outside, 'policies/governance.yaml would be'],
    [
      'a nested folder',
      '.github/workflows',
      (outside: string) => outside,
      '.github/workflows/validate.yml would be',
    ],
    [
      'a dangling file link',
      '.github/workflows/validate.yml',
      (outside: string) => join(outside, 'gone.yml'),
      'it is',
    ],
    ['a relative link', 'data', () => '../../outside-data', 'data/remotes.yaml would be'],
  ])('refuses %s that leads out, naming it, writing nothing', async (_, link, target, what) => {
    const outside = tempDir();
    const dir = gitRepo();
    const to = target(outside);
    mkdirSync(dirname(join(dir, link)), { recursive: true });
    symlinkSync(to, join(dir, link));
    const before = snapshot(dir);
    const outsideBefore = snapshot(outside);

    const r = await mlops(dir, 'init', '--actions', 'vendor');
    expect(r.code).toBe(1);
    expect(r.err).toContain(`mlops: ${link} is a link to `);
    expect(r.err).toContain(
      `outside the repository, and ${what} one of the files mlops init writes`,
    );
    expect(r.err).toMatch(/\(nothing was written\)\n$/);
    expect(r.out).toBe('');
    // nothing inside, nothing through the link
    expect(snapshot(dir)).toEqual(before);
    expect(snapshot(outside)).toEqual(outsideBefore);
    expect(existsSync(join(dir, '.gitignore'))).toBe(false);
    // a dry run refuses too
    expect((await mlops(dir, 'init', '--dry-run')).code).toBe(1);
  });

  it('follows a link that stays inside the repository', async () => {
    const dir = gitRepo();
    mkdirSync(join(dir, 'config/policies'), { recursive: true });
    symlinkSync('config/policies', join(dir, 'policies'));
    const r = await mlops(dir, 'init');
    expect(r.code).toBe(0);
    expect(read(dir, 'config/policies/governance.yaml')).toBe(
      read(PKG, 'policies/governance.yaml'),
    );
  });
});

describe('mlops init --approvers', () => {
  it('names the approvers in the governance policy and CODEOWNERS', async () => {
    const dir = gitRepo();
    expect((await mlops(dir, 'init', '--approvers', 'alice,@org/ml-team')).code).toBe(0);
    const shipped = read(PKG, 'policies/governance.yaml');
    const policy = read(dir, 'policies/governance.yaml');
    expect(policy).toBe(
      shipped.replace(/( *)- ml-leads\n *- qa-leads\n/, '$1- alice\n$1- org/ml-team\n'),
    );
    const owners = read(dir, '.github/CODEOWNERS');
    expect(owners).toContain('/policies/ @alice @org/ml-team\n');
    expect(owners).not.toContain('@ml-leads');
    expect(owners.split('\n').filter((l) => l.startsWith('#'))).toEqual(
      read(PKG, '.github/CODEOWNERS')
        .split('\n')
        .filter((l) => l.startsWith('#')),
    );
    expect((await mlops(dir, 'validate')).code).toBe(0);
  });

  it.each([['bad handle!'], ['alice,alice'], [','], ['-alice']])(
    'refuses %s, writing nothing',
    async (bad) => {
      const dir = gitRepo();
      const r = await mlops(dir, 'init', '--approvers', bad);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/^mlops: --approvers/);
      expect(snapshot(dir).size).toBe(0);
    },
  );
});

describe('mlops init: usage', () => {
  it('refuses outside a git work tree', async () => {
    const dir = tempDir();
    const r = await mlops(dir, 'init');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^mlops: not inside a git work tree: .*run `git init` first/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('--dry-run lists what it would create and writes nothing', async () => {
    const dir = gitRepo();
    writeFileSync(join(dir, '.gitignore'), 'x\n');
    const r = await mlops(dir, 'init', '--dry-run');
    expect(r.code).toBe(0);
    expect(r.out).toContain('would create policies/governance.yaml\n');
    expect(r.out).toContain('would append to .gitignore: .mlops/');
    expect(r.out).toMatch(/dry run: \d+ files would be created in .*; nothing was written\n$/);
    expect([...snapshot(dir)]).toEqual([['.gitignore', Buffer.from('x\n')]]);
  });

  it('--json prints root, created, kept and appended', async () => {
    const dir = gitRepo();
    mkdirSync(join(dir, 'policies'));
    writeFileSync(join(dir, 'policies/drift.yaml'), 'x\n');
    writeFileSync(join(dir, '.gitignore'), 'x\n');
    const r = await mlops(dir, 'init', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as Record<string, unknown>;
    expect(Object.keys(j)).toEqual(['root', 'created', 'kept', 'appended']);
    expect(j.root).toBe(dir);
    expect(j.created).toContain('policies/governance.yaml');
    expect(j.created).not.toContain('.gitignore');
    expect(j.kept).toEqual(['policies/drift.yaml']);
    expect(j.appended).toEqual(['.gitignore']);
    const dry = JSON.parse((await mlops(gitRepo(), 'init', '--dry-run', '--json')).out) as {
      created: string[];
    };
    expect(dry.created).toContain('.gitignore');
  });

  it('--help says what it writes', async () => {
    const r = await mlops(tempDir(), 'init', '--help');
    expect(r.code).toBe(0);
    for (const s of ['policies/', 'data/remotes.yaml', 'schemas/', '.gitkeep', 'CODEOWNERS']) {
      expect(r.out).toContain(s);
    }
    for (const o of ['--dir <dir>', '--approvers <handles>', '--actions <source>', '--dry-run']) {
      expect(r.out).toContain(o);
    }
    expect(r.out).toContain(`gitops-mlops/gitops-mlops/actions/<name>@v${VERSION}`);
  });
});

describe('the npm package', () => {
  it('ships every file `mlops init` copies (vendored actions included) and the demo needs', () => {
    // what `npx --package gitops-mlops mlops init` would find: npm's own list of the package
    const packed = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: PKG,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const files = new Set(
      (JSON.parse(packed) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path),
    );
    const needed = [
      'bin/mlops.js',
      ...planInit({ packageRoot: PKG, actions: 'vendor' })
        .map((f) => f.path)
        .filter((p) => !p.endsWith('.gitkeep') && p !== 'data/remotes.yaml'),
      ...exampleFiles(PKG).keys(),
    ];
    expect(needed.length).toBeGreaterThan(80);
    expect(needed.filter((p) => !files.has(p))).toEqual([]);
    // and nothing of the tool's own tests
    expect([...files].filter((p) => p.endsWith('.test.ts'))).toEqual([]);
  });
});
