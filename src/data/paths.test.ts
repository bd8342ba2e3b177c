import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/gitdir.js';
import { checkRelPath, resolveDataPath } from './paths.js';

/** `expect.stringMatching`, typed: a message that matches. */
const like = (re: RegExp): string => expect.stringMatching(re) as string;

describe('checkRelPath', () => {
  it('normalises ./ and doubled slashes', () => {
    expect(checkRelPath('./datasets//iris.csv')).toBe('datasets/iris.csv');
    expect(checkRelPath('datasets/images/')).toBe('datasets/images');
  });

  it.each([
    ['../outside.csv', 'PATH_OUTSIDE_REPO', /contains "\.\."/],
    ['data/../../x', 'PATH_OUTSIDE_REPO', /contains "\.\."/],
    ['/etc/passwd', 'PATH_OUTSIDE_REPO', /is absolute/],
    ['C:/data/x.csv', 'PATH_OUTSIDE_REPO', /is absolute/],
    ['', 'BAD_PATH', /repository root itself/],
    ['.', 'BAD_PATH', /repository root itself/],
    ['a\\b', 'BAD_PATH', /backslash or NUL/],
    ['a\0b', 'BAD_PATH', /backslash or NUL/],
    ['.git/config', 'BAD_PATH', /inside \.git\//],
    ['data/.MLOPS/x', 'BAD_PATH', /inside \.MLOPS\//],
  ])('refuses %j with %s', (path, code, message) => {
    expect(() => checkRelPath(path)).toThrow(
      expect.objectContaining({ code, message: like(message) }),
    );
  });
});

describe('resolveDataPath', () => {
  const root = tempDir();
  const outside = tempDir();
  mkdirSync(join(root, 'data', 'real'), { recursive: true });
  writeFileSync(join(root, 'data', 'real', 'a.csv'), 'a\n');
  writeFileSync(join(outside, 'secret.csv'), 's\n');
  symlinkSync(join(root, 'data', 'real'), join(root, 'data', 'inside-link'));
  symlinkSync(outside, join(root, 'data', 'outside-link'));
  mkdirSync(join(root, '.git'));
  symlinkSync(join(root, '.git'), join(root, 'git-link'));
  symlinkSync(join(outside, 'not-yet', 'dir'), join(root, 'data', 'dangling-out'));

  it('accepts a path, a symlink that stays inside, and a path that does not exist yet', async () => {
    expect(await resolveDataPath(root, 'data/real/a.csv')).toEqual({
      abs: join(root, 'data/real/a.csv'),
      rel: 'data/real/a.csv',
    });
    expect((await resolveDataPath(root, 'data/inside-link/a.csv')).rel).toBe(
      'data/inside-link/a.csv',
    );
    expect((await resolveDataPath(root, 'data/new/deeper/b.csv')).rel).toBe(
      'data/new/deeper/b.csv',
    );
  });

  it('refuses a symlink that leads out, even to a file not yet there', async () => {
    await expect(resolveDataPath(root, 'data/outside-link/secret.csv')).rejects.toMatchObject({
      code: 'PATH_OUTSIDE_REPO',
      message: like(/outside the repository/),
    });
    await expect(resolveDataPath(root, 'data/outside-link/new.csv')).rejects.toMatchObject({
      code: 'PATH_OUTSIDE_REPO',
    });
  });

  it('follows a dangling symlink to where a write through it would land', async () => {
    await expect(resolveDataPath(root, 'data/dangling-out/x.csv')).rejects.toMatchObject({
      code: 'PATH_OUTSIDE_REPO',
      data: { real: join(outside, 'not-yet', 'dir', 'x.csv') },
    });
  });

  it('refuses a symlink into .git', async () => {
    await expect(resolveDataPath(root, 'git-link/config')).rejects.toMatchObject({
      code: 'BAD_PATH',
      message: like(/resolves into \.git\//),
    });
  });
});
