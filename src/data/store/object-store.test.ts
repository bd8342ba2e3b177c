import { describe, expect, it } from 'vitest';
import { objectKey, parseContentHash } from './object-store.js';

describe('object keys', () => {
  it('follow DVC 3: files/<algo>/<2 hex>/<rest>', () => {
    expect(objectKey({ algo: 'md5', hex: 'd8e8fca2dc0f896fd7cb4cb0031ba249' })).toBe(
      'files/md5/d8/e8fca2dc0f896fd7cb4cb0031ba249',
    );
    expect(objectKey(parseContentHash('sha256:' + 'ab'.repeat(32)))).toBe(
      `files/sha256/ab/${'ab'.repeat(31)}`,
    );
  });
  it('refuse what is not a content hash', () => {
    expect(() => parseContentHash('sha1:abc')).toThrow(/not a content hash: sha1:abc/);
  });
});
