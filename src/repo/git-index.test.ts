import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeRepo } from '../../test/helpers/gitdir.js';
import { RepoError } from './errors.js';
import { parseIndex, serializeIndex } from './git-index.js';

const files: Record<string, string> = {
  'a.txt': 'a\n',
  'registry/models/m1/deployment.yaml': 'production: 1.0.0\n',
  'registry/models/m1/model.yaml': 'name: m1\n',
  'registry/models/m10/model.yaml': 'name: m10\n',
  'z/ü.txt': 'utf-8 name\n',
};

describe('git’s index file', () => {
  for (const version of ['2', '3', '4']) {
    it(`reads and writes version ${version} as git does`, () => {
      const r = makeRepo({ commits: [{ files }] });
      if (version === '3') {
        writeFileSync(join(r.dir, 'new.txt'), 'n\n');
        r.git('add', '-N', 'new.txt'); // intent-to-add: an extended flag, version 3
      }
      r.git('update-index', '--index-version', version);
      r.git('status', '--porcelain'); // let git refresh the stat data and write its extensions
      const path = join(r.dir, '.git', 'index');
      const before = r.git('ls-files', '-s', '--debug');
      const index = parseIndex(readFileSync(path));
      expect(index.version).toBe(Number(version));
      expect(
        index.entries.map((e) => `${e.mode.toString(8)} ${e.oid} ${e.stage}\t${e.path}`),
      ).toEqual(r.git('-c', 'core.quotePath=false', 'ls-files', '-s').trim().split('\n'));
      writeFileSync(path, serializeIndex(index));
      // git reads it back entry for entry, stat data included, and sees nothing changed
      expect(r.git('ls-files', '-s', '--debug')).toBe(before);
      expect(r.git('status', '--porcelain')).toBe(version === '3' ? ' A new.txt\n' : '');
      expect(readFileSync(path).readUInt32BE(4)).toBe(Number(version));
    });
  }

  it('refuses what it cannot keep up to date: a split index, a corrupt file', () => {
    const r = makeRepo({ commits: [{ files }] });
    r.git('update-index', '--split-index');
    const split = (() => {
      try {
        parseIndex(readFileSync(join(r.dir, '.git', 'index')));
      } catch (e) {
        return e;
      }
    })();
    expect(split).toBeInstanceOf(RepoError);
    expect((split as RepoError).message).toMatch(/required extension "link"/);
    expect(() => parseIndex(Buffer.from('DIRC'))).toThrow(/not an index file/);
  });
});
