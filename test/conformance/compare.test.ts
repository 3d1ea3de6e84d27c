import { describe, expect, it } from 'vitest';
import { compareBody, compareCase, type HttpResult } from './compare.js';

function http(body: unknown, status = 200, headers: Record<string, string> = {}): HttpResult {
  return { status, body, bodyIsJson: true, headers };
}

const authorQuery = { query: 'query { author { id name } }' };

describe('compareCase', () => {
  it('passes identical bodies and ignores key order outside data', () => {
    const verdict = compareCase(
      { status: 200, response: { result_type: 'TuplesOk', result: [['a']] } },
      http({ result: [['a']], result_type: 'TuplesOk' }),
    );
    expect(verdict).toEqual({ ok: true, failures: [], messageMismatches: [] });
  });

  it('fails on a status difference before looking at the body', () => {
    const verdict = compareCase({ status: 400, response: {} }, http({ error: 'x', code: 'not-found', path: '$' }, 200));
    expect(verdict.ok).toBe(false);
    expect(verdict.failures[0]).toMatch(/^status 400≠200 \(not-found: "x"\)$/);
  });

  it('compares arrays in order', () => {
    const verdict = compareCase(
      { status: 200, response: { data: { author: [{ id: 1, name: 'A' }, { id: 2, name: 'B' }] } }, query: authorQuery },
      http({ data: { author: [{ id: 2, name: 'B' }, { id: 1, name: 'A' }] } }),
    );
    expect(verdict.ok).toBe(false);
    expect(verdict.failures[0]).toBe('data mismatch at $.data.author[0].id: 1 ≠ 2');
  });

  it('reports missing and unexpected keys', () => {
    const diff = compareBody({ data: { author: [{ id: 1 }] } }, { data: { author: [{ name: 'A' }] } }, authorQuery);
    expect(diff.failures).toEqual([
      'data mismatch at $.data.author[0]: missing key "id"',
      'data mismatch at $.data.author[0]: unexpected key "name"',
    ]);
  });

  it('checks field order of selection-set objects under data', () => {
    const verdict = compareCase(
      { status: 200, response: { data: { author: [{ id: 1, name: 'A' }] } }, query: authorQuery },
      http({ data: { author: [{ name: 'A', id: 1 }] } }),
    );
    expect(verdict.ok).toBe(false);
    expect(verdict.failures).toEqual(['field order at $.data.author[0]: [id,name] ≠ [name,id]']);
  });

  it('follows aliases and fragments when checking field order', () => {
    const query = {
      query: 'query { a: author { ...F } } fragment F on author { id ... on author { name } }',
    };
    const expected = { data: { a: [{ id: 1, name: 'A' }] } };
    expect(compareBody(expected, { data: { a: [{ id: 1, name: 'A' }] } }, query).failures).toEqual([]);
    expect(compareBody(expected, { data: { a: [{ name: 'A', id: 1 }] } }, query).failures).toEqual([
      'field order at $.data.a[0]: [id,name] ≠ [name,id]',
    ]);
  });

  it('ignores key order inside json leaf values', () => {
    const query = { query: 'query { article { body } }' };
    const diff = compareBody({ data: { article: [{ body: { b: 1, a: 2 } }] } }, { data: { article: [{ body: { a: 2, b: 1 } }] } }, query);
    expect(diff.failures).toEqual([]);
  });

  it('treats a different error message as a warning when code and path match', () => {
    const expected = { errors: [{ message: "field 'x' not found", extensions: { code: 'validation-failed', path: '$.selectionSet.author' } }] };
    const actual = { errors: [{ extensions: { path: '$.selectionSet.author', code: 'validation-failed' }, message: 'field "x" not found' }] };
    const verdict = compareCase({ status: 200, response: expected, query: authorQuery }, http(actual));
    expect(verdict.ok).toBe(true);
    expect(verdict.messageMismatches).toHaveLength(1);
    expect(verdict.messageMismatches[0]).toContain('message at $.errors[0]');
  });

  it('fails when the error code or path differs', () => {
    const expected = { errors: [{ message: 'm', extensions: { code: 'validation-failed', path: '$.a' } }] };
    const actual = { errors: [{ message: 'm', extensions: { code: 'not-found', path: '$.b' } }] };
    const verdict = compareCase({ status: 200, response: expected }, http(actual));
    expect(verdict.ok).toBe(false);
    expect(verdict.failures).toEqual(['code validation-failed ≠ not-found at $.errors[0]', 'path $.a ≠ $.b at $.errors[0]']);
  });

  it('compares the REST error shape by code and path, and ignores internal', () => {
    const expected = { error: 'table "x" does not exist', code: 'not-exists', path: '$.args' };
    const same = compareCase({ status: 400, response: expected }, http({ path: '$.args', code: 'not-exists', error: 'no table x', internal: { a: 1 } }, 400));
    expect(same.ok).toBe(true);
    expect(same.messageMismatches).toHaveLength(1);
    const other = compareCase({ status: 400, response: expected }, http({ path: '$', code: 'not-exists', error: 'no table x' }, 400));
    expect(other.failures).toEqual(['path $.args ≠ $ at $']);
  });

  it('says so when data was expected but an error came back', () => {
    const verdict = compareCase(
      { status: 200, response: { data: { author: [] } } },
      http({ errors: [{ message: 'boom', extensions: { code: 'unexpected', path: '$' } }] }),
    );
    expect(verdict.failures).toEqual(['expected data, got error at $: unexpected: "boom"']);
  });

  it('passes allowed_responses when any alternative matches', () => {
    const err = (message: string) => ({ errors: [{ message, extensions: { code: 'constraint-violation', path: '$.x' } }] });
    const expectation = {
      status: 200,
      allowed_responses: [{ response: { data: { a: 1 } } }, { response: err('pg 13 wording') }],
    };
    const verdict = compareCase(expectation, http(err('pg 13 wording')));
    expect(verdict).toEqual({ ok: true, failures: [], messageMismatches: [] });
    const none = compareCase(expectation, http({ data: { a: 2 } }));
    expect(none.ok).toBe(false);
    expect(none.failures[0]).toMatch(/^none of 2 allowed responses matched; first: data mismatch at \$\.data\.a: 1 ≠ 2/);
  });

  it('checks resp_headers as a case-insensitive subset', () => {
    const expectation = { status: 200, response: { ok: true }, resp_headers: { 'X-Request-Id': 'abc' } };
    expect(compareCase(expectation, http({ ok: true }, 200, { 'x-request-id': 'abc', other: '1' })).ok).toBe(true);
    expect(compareCase(expectation, http({ ok: true }, 200, {})).failures).toEqual(['missing response header X-Request-Id']);
  });

  it('compares a batched request element by element with each query', () => {
    const query = [{ query: 'query { a { x y } }' }, { query: 'query { b }' }];
    const expected = [{ data: { a: { x: 1, y: 2 } } }, { data: { b: 1 } }];
    expect(compareBody(expected, [{ data: { a: { x: 1, y: 2 } } }, { data: { b: 1 } }], query).failures).toEqual([]);
    expect(compareBody(expected, [{ data: { a: { y: 2, x: 1 } } }, { data: { b: 2 } }], query).failures).toEqual([
      'field order at $[0].data.a: [x,y] ≠ [y,x]',
      'data mismatch at $[1].data.b: 1 ≠ 2',
    ]);
  });

  it('fails when a JSON response was expected but the body is not JSON', () => {
    const verdict = compareCase({ status: 200, response: { a: 1 } }, { status: 200, body: 'oops', bodyIsJson: false, headers: {} });
    expect(verdict.failures[0]).toBe('body is not JSON: "oops"');
  });

  it('checks only the status when the case has no response', () => {
    expect(compareCase({ status: 200 }, http({ anything: true })).ok).toBe(true);
  });
});
