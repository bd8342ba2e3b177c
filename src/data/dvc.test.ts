import { describe, expect, it } from 'vitest';
import { parseDvcFile, toDvcFile } from './dvc.js';

/** `expect.stringMatching`, typed: a message that matches. */
const like = (re: RegExp): string => expect.stringMatching(re) as string;

// As `dvc add` (DVC 3) writes them.
const FILE_DVC = `outs:
- md5: 22a1a2931c8370d3aeedd7183606fd7f
  size: 14445097
  hash: md5
  path: data.xml
`;
const DIR_DVC = `outs:
- md5: 3863d0e317dee0a55c4e59d2ec0eef33.dir
  size: 36009
  nfiles: 2
  hash: md5
  path: images
`;
const DVC2 = `outs:
- md5: a304afb96060aad90176268345e10355
  path: data.xml
`;

describe('parseDvcFile', () => {
  it('reads a file output, with its path made repository-relative', () => {
    expect(parseDvcFile(FILE_DVC, 'data/data.xml.dvc')).toEqual([
      {
        path: 'data/data.xml',
        hash: 'md5:22a1a2931c8370d3aeedd7183606fd7f',
        size: 14445097,
        files: 1,
        dir: false,
      },
    ]);
  });

  it('reads a directory output: .dir off the hash and into `dir`', () => {
    expect(parseDvcFile(DIR_DVC, 'images.dvc')).toEqual([
      {
        path: 'images',
        hash: 'md5:3863d0e317dee0a55c4e59d2ec0eef33',
        size: 36009,
        files: 2,
        dir: true,
      },
    ]);
  });

  it('keeps extra DVC keys out and reads several outputs', () => {
    const text = `${DIR_DVC}- md5: 22a1a2931c8370d3aeedd7183606fd7f\n  size: 5\n  hash: md5\n  path: sub/x.csv\n  desc: a sample\n  cache: true\nmeta:\n  owner: team\n`;
    expect(parseDvcFile(text, 'd/all.dvc').map((p) => p.path)).toEqual(['d/images', 'd/sub/x.csv']);
  });

  it('refuses a DVC 2 file rather than misread its md5', () => {
    expect(() => parseDvcFile(DVC2, 'data.xml.dvc')).toThrow(
      expect.objectContaining({ code: 'UNKNOWN_FORMAT', message: like(/DVC 2 output/) }),
    );
  });

  it.each([
    ['not: [yaml', /is not YAML/],
    ['deps: []\n', /has no `outs:` list/],
    ['outs:\n- md5: abc\n  size: 1\n  hash: md5\n  path: x\n', /no md5 of 32 hex/],
    ['outs:\n- etag: abc\n  hash: etag\n  path: x\n', /has hash "etag", not md5/],
    [`outs:\n- md5: ${'a'.repeat(32)}\n  hash: md5\n  path: x\n`, /has no size/],
    [`outs:\n- md5: ${'a'.repeat(32)}\n  size: 1\n  hash: md5\n`, /has no path/],
  ])('refuses %j', (text, message) => {
    expect(() => parseDvcFile(text, 'x.dvc')).toThrow(
      expect.objectContaining({ code: 'UNKNOWN_FORMAT', message: like(message) }),
    );
  });

  it('refuses an output path that leaves the repository', () => {
    const text = `outs:\n- md5: ${'a'.repeat(32)}\n  size: 1\n  hash: md5\n  path: ../../etc/passwd\n`;
    expect(() => parseDvcFile(text, 'data/x.dvc')).toThrow(
      expect.objectContaining({ code: 'PATH_OUTSIDE_REPO' }),
    );
  });
});

describe('toDvcFile', () => {
  it('writes what dvc add writes, byte for byte', () => {
    expect(toDvcFile(parseDvcFile(DIR_DVC, 'data/images.dvc'), 'data/images.dvc')).toBe(DIR_DVC);
    expect(toDvcFile(parseDvcFile(FILE_DVC, 'data.xml.dvc'), 'data.xml.dvc')).toBe(FILE_DVC);
  });

  it('quotes a path YAML would misread', () => {
    const text = toDvcFile(
      [{ path: 'd/yes: no.csv', hash: `md5:${'b'.repeat(32)}`, size: 1, files: 1, dir: false }],
      'd/x.dvc',
    );
    expect(text).toContain('  path: "yes: no.csv"\n');
    expect(parseDvcFile(text, 'd/x.dvc')[0]!.path).toBe('d/yes: no.csv');
  });

  it('refuses sha256 pointers and pointers outside the .dvc file folder', () => {
    const p = { path: 'a.csv', hash: `sha256:${'a'.repeat(64)}`, size: 1, files: 1, dir: false };
    expect(() => toDvcFile([p], 'a.csv.dvc')).toThrow(/DVC names content by md5 only/);
    const q = { ...p, hash: `md5:${'a'.repeat(32)}`, path: 'other/a.csv' };
    expect(() => toDvcFile([q], 'data/a.dvc')).toThrow(
      expect.objectContaining({ code: 'PATH_OUTSIDE_REPO' }),
    );
  });
});
