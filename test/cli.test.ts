import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleRegistry, type TestRegistry } from './helpers/registry.js';

let reg: TestRegistry;
beforeAll(async () => {
  reg = await exampleRegistry();
});
afterAll(() => reg.cleanup());

describe('exit codes', () => {
  it('2 for an unknown option, with usage help', async () => {
    const r = await reg.mlops('validate', '--frobnicate');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/unknown option '--frobnicate'/);
  });

  it('2 for a bad --format', async () => {
    const r = await reg.mlops('validate', '--format', 'xml');
    expect(r.code).toBe(2);
    expect(r.err).toBe('mlops: --format must be text, json or github; got "xml"\n');
  });

  it.each([
    ['validate', '--jobs', '0'],
    ['data', 'push', '--jobs', 'many'],
    ['data', 'add', 'x.csv', '--jobs', '1.5'],
  ])('2 for a bad --jobs: %s', async (...argv) => {
    const r = await reg.mlops(...argv);
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      `mlops: --jobs must be a whole number >= 1; got "${argv[argv.length - 1]}"\n`,
    );
  });

  it('2 for a ref that does not exist', async () => {
    const r = await reg.mlops('validate', '--base', 'no-such-branch');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^mlops: .*no-such-branch/);
  });

  it('1 for a model that does not exist', async () => {
    const r = await reg.mlops('show', 'nope');
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      'no model "nope" (have: execution-agent, generation-agent-dqn, requirements-agent)\n',
    );
  });

  it('0 and usage for --help', async () => {
    const r = await reg.mlops('--help');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/validate \[options\]/);
    expect(r.out).toMatch(/history \[options\] <model>/);
  });
});

describe('bad input files fail clearly and never crash', () => {
  const bomb = [
    'kind: Model',
    'a: &a [x,x,x,x,x,x,x,x,x]',
    ...'bcdefghi'.split('').map(
      (c, i) =>
        `${c}: &${c} [${Array(9)
          .fill('*' + 'abcdefghi'[i])
          .join(',')}]`,
    ),
  ].join('\n');
  const cases: [string, string | Uint8Array, RegExp][] = [
    ['bomb', bomb, /:3:8: yaml\/alias-limit: aliases expand too far/],
    [
      'duplicate key',
      'kind: Model\nname: a\nname: b\n',
      /:3:1: yaml\/duplicate-key: duplicate key in a mapping/,
    ],
    [
      '2 MiB file',
      'kind: Model\ndescription: "' + 'x'.repeat(2 * 1024 * 1024) + '"\n',
      /:1:1: yaml\/too-large: file is \d+ bytes; records are at most 1048576 bytes/,
    ],
    [
      'invalid UTF-8',
      new Uint8Array([...new TextEncoder().encode('kind: Model\nname: '), 0xff, 0x0a]),
      /:2:7: yaml\/encoding: invalid UTF-8 at byte 18/,
    ],
    [
      '__proto__',
      'kind: Model\n__proto__:\n  admin: true\n',
      /:2:1: yaml\/forbidden-key: key "__proto__" is not allowed/,
    ],
  ];
  it.each(cases)('%s', async (_name, content, message) => {
    const path = 'registry/models/bad/model.yaml';
    const text = typeof content === 'string' ? content : '';
    const branch = `bad-${_name.replace(/\W+/g, '-')}`;
    // invalid UTF-8 must reach the repository byte for byte: write it through git itself
    if (typeof content !== 'string') {
      execFileSync('git', ['checkout', '-q', '-b', branch], { cwd: reg.dir });
      mkdirSync(join(reg.dir, 'registry/models/bad'), { recursive: true });
      writeFileSync(join(reg.dir, path), content);
      execFileSync('git', ['add', path], { cwd: reg.dir });
      execFileSync(
        'git',
        ['-c', 'user.name=t', '-c', 'user.email=t@x', 'commit', '-q', '-m', 'bad'],
        { cwd: reg.dir },
      );
      execFileSync('git', ['checkout', '-q', 'main'], { cwd: reg.dir });
    } else {
      await reg.commit({ [path]: text }, { branch });
    }
    // No timing here (it would flake on a busy machine): the alias limit is what keeps the
    // bomb cheap, and its finding below proves the limit, not the clock, stopped it.
    const r = await reg.mlops('validate', '--ref', branch);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(new RegExp(`^registry/models/bad/model\\.yaml${message.source}`, 'm'));
    expect(r.err).not.toMatch(/internal error/);
  });
});

describe('output formats', () => {
  it('--format github prints one workflow annotation per finding', async () => {
    const path = 'registry/models/execution-agent/deployment.yaml';
    await reg.commit(
      { [path]: reg.files.get(path)!.replace('production: 1.0.0', 'production: 9.9.9') },
      { branch: 'gh-format' },
    );
    const r = await reg.mlops('validate', '--ref', 'gh-format', '--format', 'github');
    expect(r.code).toBe(1);
    expect(r.out).toBe(
      `::error file=${path},line=5,col=13,title=reference::version 9.9.9 of execution-agent (not registered) does not exist\n`,
    );
  });

  it('ls, show and at print JSON with --json', async () => {
    const ls = JSON.parse((await reg.mlops('ls', '--json')).out) as {
      name: string;
      production: string;
    }[];
    expect(ls.map((m) => [m.name, m.production])).toEqual([
      ['execution-agent', '1.0.0'],
      ['generation-agent-dqn', '2.1.0'],
      ['requirements-agent', '1.0.0'],
    ]);
    const show = JSON.parse((await reg.mlops('show', 'generation-agent-dqn', '--json')).out) as {
      versions: { version: string; stage: string }[];
    };
    expect(show.versions.map((v) => [v.version, v.stage])).toEqual([
      ['2.0.0', 'Archived'],
      ['2.1.0', 'Production'],
    ]);
    const at = JSON.parse((await reg.mlops('at', 'main', '--json')).out) as { models: unknown[] };
    expect(at.models).toHaveLength(3);
  });
});

describe('history and at', () => {
  it('history shows who changed which field, with the trailers; --version filters; at answers for a date', async () => {
    const path = 'registry/models/requirements-agent/deployment.yaml';
    const v = 'registry/models/requirements-agent/versions/1.0.0.yaml';
    await reg.commit(
      {
        [v.replace('1.0.0', '1.0.1')]: reg.files
          .get(v)!
          .replace('version: 1.0.0', 'version: 1.0.1'),
      },
      { message: 'register requirements-agent 1.0.1' },
    );
    await reg.commit(
      { [path]: reg.files.get(path)!.replace('candidate: null', 'candidate: 1.0.1') },
      {
        message:
          'promote requirements-agent 1.0.1\n\nModel: requirements-agent\nApproved-by: qa-leads',
      },
    );
    const h = await reg.mlops('history', 'requirements-agent', '--json');
    const entries = JSON.parse(h.out) as {
      subject: string;
      author: string;
      trailers: Record<string, string[]>;
      changes: {
        path: string;
        status: string;
        fields: { path: string[]; before: unknown; after: unknown }[];
      }[];
    }[];
    expect(entries.map((e) => e.subject)).toEqual([
      'promote requirements-agent 1.0.1',
      'register requirements-agent 1.0.1',
      'example registry',
    ]);
    expect(entries[0]!.author).toBe('Test <test@example.com>');
    expect(entries[0]!.trailers).toEqual({
      Model: ['requirements-agent'],
      'Approved-by': ['qa-leads'],
    });
    expect(entries[0]!.changes).toEqual([
      { path, status: 'modified', fields: [{ path: ['candidate'], before: null, after: '1.0.1' }] },
    ]);
    const text = await reg.mlops('history', 'requirements-agent', '--version', '1.0.1');
    expect(text.out).toContain('    candidate: null → "1.0.1"');
    expect(text.out).toContain('    + registry/models/requirements-agent/versions/1.0.1.yaml');
    expect(text.out).not.toContain('example registry');
    const at = await reg.mlops('at', '2020-01-01');
    expect(at.code).toBe(2);
    expect(at.err).toMatch(/no commit at or before 2020-01-01/);
    const now = JSON.parse((await reg.mlops('at', '2030-01-01', '--json')).out) as {
      models: { model: string; candidate: string | null }[];
    };
    expect(now.models.find((m) => m.model === 'requirements-agent')?.candidate).toBe('1.0.1');
  });
});
