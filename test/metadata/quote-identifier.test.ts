import { describe, expect, it } from 'vitest';
import { quoteIdentifier, quoteQualifiedName } from '../../gateway/metadata/index.js';

describe('quoteIdentifier', () => {
  it('quotes names, doubling embedded quotes and keeping spaces and case', () => {
    expect(quoteIdentifier('author')).toBe('"author"');
    expect(quoteIdentifier('users address')).toBe('"users address"');
    expect(quoteIdentifier('a"b')).toBe('"a""b"');
    expect(quoteIdentifier('"; DROP TABLE x; --')).toBe('"""; DROP TABLE x; --"');
    expect(quoteQualifiedName({ schema: 'My Schema', name: 'T"1' })).toBe('"My Schema"."T""1"');
  });

  it('refuses a NUL character, which Postgres would silently cut at', () => {
    expect(() => quoteIdentifier('a\u0000b')).toThrow();
  });
});
