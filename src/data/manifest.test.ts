import { describe, expect, it } from 'vitest';
import { DataError } from './errors.js';
import { hashBytes } from './hash/file.js';
import { buildManifest, manifestTotals, parseManifest, pyJsonString } from './manifest.js';

const md5 = (s: string) => hashBytes(Buffer.from(s, 'latin1'), 'md5');

// The files and the expected bytes and hash were produced by CPython 3 with
//   entries.sort(key=lambda e: e["relpath"]); json.dumps(entries, sort_keys=True)
// exactly as dvc-data 3's Tree.as_bytes() / Tree.digest() do.
const FILES: Record<string, string> = {
  'a.txt': 'hello\n',
  'sub/b.txt': 'world\n',
  'café "q".csv': 'x,y\n1,2\n',
  'x\u{1F600}.bin': '\x00\x01',
  'x\ue000.txt': 'pua',
  'tab\there\x7f.txt': '',
};
const PYTHON_BYTES =
  '[{"md5": "b1946ac92492d2347c6235b4d2611184", "relpath": "a.txt"}, ' +
  '{"md5": "344fd2323dd33d5c058b7cf27de029e8", "relpath": "caf\\u00e9 \\"q\\".csv"}, ' +
  '{"md5": "591785b794601e212b260e25925636fd", "relpath": "sub/b.txt"}, ' +
  '{"md5": "d41d8cd98f00b204e9800998ecf8427e", "relpath": "tab\\there\\u007f.txt"}, ' +
  '{"md5": "040e19b9799a0e7dc34cac0f4faa16e2", "relpath": "x\\ue000.txt"}, ' +
  '{"md5": "441077cc9e57554dd476bdfb8b8b8102", "relpath": "x\\ud83d\\ude00.bin"}]';
const PYTHON_MD5 = '6aa7e0b4805057ae4b9faefa93e1624a';

function entries(algo: 'md5' | 'sha256') {
  return Object.entries(FILES).map(([path, content]) => ({
    path,
    hex: hashBytes(Buffer.from(content, 'latin1'), algo),
    size: Buffer.byteLength(content, 'latin1'),
  }));
}

describe('md5 manifests: DVC .dir byte for byte', () => {
  it('serialise as Python json.dumps(sort_keys=True) and hash as DVC names the .dir', () => {
    const built = buildManifest('md5', entries('md5'));
    expect(built.bytes.toString('utf8')).toBe(PYTHON_BYTES);
    expect(built.ref).toEqual({
      algo: 'md5',
      hex: PYTHON_MD5,
      size: PYTHON_BYTES.length,
      dir: true,
    });
  });

  it('sort by code point, so U+E000 comes before U+1F600 (UTF-16 order would swap them)', () => {
    const paths = buildManifest('md5', entries('md5')).manifest.entries.map((e) => e.path);
    expect(paths.indexOf('x\ue000.txt')).toBe(paths.indexOf('x\u{1F600}.bin') - 1);
    expect(['x\u{1F600}.bin', 'x\ue000.txt'].sort()[0]).toBe('x\u{1F600}.bin');
  });

  it('read back a DVC .dir without sizes, and with DVC meta keys', () => {
    const m = parseManifest(Buffer.from(PYTHON_BYTES), 'md5');
    expect(m.entries).toHaveLength(6);
    expect(m.entries[2]).toEqual({ path: 'sub/b.txt', hex: md5('world\n') });
    expect(manifestTotals(m)).toEqual({ size: null, files: 6 });
    const withMeta = `[{"isexec": false, "md5": "${md5('a')}", "relpath": "a", "size": 1}]`;
    expect(parseManifest(Buffer.from(withMeta), 'md5').entries).toEqual([
      { path: 'a', hex: md5('a'), size: 1 },
    ]);
  });

  it('escape as Python does: short escapes, \\u00XX for controls and DEL, UTF-16 units', () => {
    expect(pyJsonString('a"b\\c\n\r\t\b\f\x01\x7f~ é\u{10000}')).toBe(
      '"a\\"b\\\\c\\n\\r\\t\\b\\f\\u0001\\u007f~ \\u00e9\\ud800\\udc00"',
    );
  });
});

describe('sha256 manifests', () => {
  it('are canonical JSON with sizes, and their hash is the sha256 of those bytes', () => {
    const built = buildManifest('sha256', [
      { path: 'b/c.csv', hex: 'b'.repeat(64), size: 3 },
      { path: 'a.csv', hex: 'a'.repeat(64), size: 10 },
    ]);
    const text =
      '{"manifest":1,"algo":"sha256","files":[' +
      `{"path":"a.csv","sha256":"${'a'.repeat(64)}","size":10},` +
      `{"path":"b/c.csv","sha256":"${'b'.repeat(64)}","size":3}]}`;
    expect(built.bytes.toString()).toBe(text);
    expect(built.ref.hex).toBe(hashBytes(Buffer.from(text), 'sha256'));
    expect(parseManifest(built.bytes, 'sha256')).toEqual(built.manifest);
    expect(manifestTotals(built.manifest)).toEqual({ size: 13, files: 2 });
  });

  it('refuse bytes that parse but are not canonical (one state, one hash)', () => {
    const built = buildManifest('sha256', [{ path: 'a', hex: 'a'.repeat(64), size: 1 }]);
    const spaced = Buffer.from(JSON.stringify(JSON.parse(built.bytes.toString()), null, 1));
    expect(() => parseManifest(spaced, 'sha256')).toThrow(/not in canonical form/);
  });
});

describe('manifest entries that could do harm are refused, whoever wrote them', () => {
  const dvc = (relpath: string) => Buffer.from(JSON.stringify([{ md5: md5('x'), relpath }]));
  it.each([
    ['../../.bashrc', 'PATH_OUTSIDE_REPO'],
    ['a/../../b', 'PATH_OUTSIDE_REPO'],
    ['/etc/passwd', 'PATH_OUTSIDE_REPO'],
    ['a\\..\\b', 'BAD_PATH'],
    ['.git/hooks/pre-commit', 'BAD_PATH'],
    ['a/./b', 'UNKNOWN_FORMAT'],
    ['a//b', 'UNKNOWN_FORMAT'],
  ])('%s → %s', (relpath, code) => {
    expect(() => parseManifest(dvc(relpath), 'md5')).toThrow(expect.objectContaining({ code }));
  });

  it('duplicates, disorder, a file that is also a folder, and bad digests', () => {
    const h = md5('x');
    const raw = (list: object[]) => Buffer.from(JSON.stringify(list));
    const err = (b: Buffer) => {
      try {
        parseManifest(b, 'md5');
      } catch (e) {
        return e instanceof DataError ? e.message : String(e);
      }
      return 'accepted';
    };
    expect(
      err(
        raw([
          { md5: h, relpath: 'a' },
          { md5: h, relpath: 'a' },
        ]),
      ),
    ).toMatch(/sorted, or repeat/);
    expect(
      err(
        raw([
          { md5: h, relpath: 'b' },
          { md5: h, relpath: 'a' },
        ]),
      ),
    ).toMatch(/sorted/);
    expect(
      err(
        raw([
          { md5: h, relpath: 'a' },
          { md5: h, relpath: 'a b' },
          { md5: h, relpath: 'a/c' },
        ]),
      ),
    ).toMatch(/"a" is both a file and a folder/);
    expect(err(raw([{ md5: 'XYZ', relpath: 'a' }]))).toMatch(/is not an md5/);
    expect(err(Buffer.from('{"not": "a list"}'))).toMatch(/must be a JSON array/);
    expect(err(Buffer.from('[{"md5": 1'))).toMatch(/not JSON/);
  });
});
