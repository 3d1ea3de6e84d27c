/**
 * The HTTP surface through `gateway.fetch` (no port): request parsing, validation errors in
 * Hasura's shape, the non-GraphQL routes, and the admin secret.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, errorOf, startTestGateway, type HttpResult, type TestGateway } from '../support/test-gateway.js';

let g: TestGateway;

beforeAll(async () => {
  g = await startTestGateway({ example: true });
});

afterAll(async () => {
  await g?.close();
});

/** Hasura's GraphQL error body: exactly `{errors: [{message, extensions: {path, code}}]}`, status 200. */
function expectHasuraError(result: HttpResult, expected: { message?: string | RegExp; path: string; code: string }): void {
  expect(result.status).toBe(200);
  expect(result.headers.get('content-type')).toMatch(/^application\/json/);
  const error = errorOf(result);
  expect(Object.keys(result.body as object)).toEqual(['errors']);
  expect(Object.keys(error).sort()).toEqual(['extensions', 'message']);
  expect(error.extensions).toEqual({ path: expected.path, code: expected.code });
  if (typeof expected.message === 'string') expect(error.message).toBe(expected.message);
  else if (expected.message) expect(error.message).toMatch(expected.message);
}

describe('request parsing', () => {
  it('answers a malformed JSON body with invalid-json', async () => {
    expectHasuraError(await g.post('/v1/graphql', '{"query": "{ artist { name } }"'), { path: '$', code: 'invalid-json', message: /^Error in \$: / });
  });

  it('answers a body without query with parse-failed', async () => {
    expectHasuraError(await g.post('/v1/graphql', { variables: {} }), { path: '$.query', code: 'parse-failed', message: 'key "query" not found' });
  });

  it('answers a GraphQL syntax error with validation-failed at $.query', async () => {
    expectHasuraError(await g.graphql('{ artist { name '), { path: '$.query', code: 'validation-failed', message: /^Syntax Error/ });
  });

  it('refuses a body over the 10 MB limit with 413 in the GraphQL error shape, before parsing it', async () => {
    // Documented choice: the body limit (SLUICE_MAX_BODY_BYTES, 10 MiB by default) answers HTTP
    // 413 rather than a 200 GraphQL error, still with a Hasura-shaped body.
    const query = `{ artist(limit: 1) { name } }${' '.repeat(10 * 1024 * 1024)}`;
    const result = await g.post('/v1/graphql', { query });
    expect(result.status).toBe(413);
    expect(result.body).toEqual({
      errors: [{ message: `request body is larger than ${10 * 1024 * 1024} bytes`, extensions: { path: '$', code: 'bad-request' } }],
    });
  });

  it('refuses a document with too many tokens with a clean error', async () => {
    const result = await g.graphql(`{ ${'a: artist(limit: 1) { name } '.repeat(12_000)} }`);
    expectHasuraError(result, { path: '$.query', code: 'validation-failed', message: /tokens/ });
  });
});

describe('validation', () => {
  it('answers an unknown field with exactly Hasura\'s error shape', async () => {
    expectHasuraError(await g.graphql('{ x }'), { path: '$.selectionSet.x', code: 'validation-failed', message: "field 'x' not found in type: 'query_root'" });
  });

  it('answers an unknown field with validation-failed at its path', async () => {
    const error = errorOf(await g.graphql('{ artist { name x } }'));
    expect(error.message).toBe("field 'x' not found in type: 'artist'");
    expect(error.extensions).toMatchObject({ path: '$.selectionSet.artist.selectionSet.x', code: 'validation-failed' });
  });

  it("answers an unknown argument with exactly Hasura's error shape, at its field as Hasura reports it", async () => {
    expectHasuraError(await g.graphql('{ artist(foo: 1) { name } }'), { path: '$.selectionSet.artist', code: 'validation-failed', message: "'artist' has no argument named 'foo'" });
  });

  it('answers an unknown argument of a nested field at that field', async () => {
    const error = errorOf(await g.graphql('{ artist(limit: 1) { albums(foo: 1) { title } } }'));
    expect(error.extensions).toMatchObject({ path: '$.selectionSet.artist.selectionSet.albums', code: 'validation-failed' });
  });

  it('answers a variable of the wrong type with validation-failed', async () => {
    expectHasuraError(await g.graphql('query ($id: Int!) { artist_by_pk(artist_id: $id) { name } }', { id: 'abc' }), {
      path: '$.variableValues',
      code: 'validation-failed',
      message: /\$id/,
    });
  });

  it("answers null for a non-null variable in Hasura's words at $, nothing run", async () => {
    expectHasuraError(await g.graphql('query ($id: Int!) { artist_by_pk(artist_id: $id) { name } }', { id: null }), {
      path: '$',
      code: 'validation-failed',
      message: 'null value found for non-nullable type: "Int!"',
    });
  });

  it('refuses _eq: null', async () => {
    expectHasuraError(await g.graphql('{ artist(where: {artist_id: {_eq: null}}) { name } }'), {
      path: '$.selectionSet.artist.args.where.artist_id._eq',
      code: 'validation-failed',
      message: "unexpected null value for type 'Int'",
    });
  });

  it('refuses an unknown enum value', async () => {
    expectHasuraError(await g.graphql('{ artist(order_by: {name: sideways}) { name } }'), {
      path: '$.selectionSet.artist.args.order_by.name',
      code: 'validation-failed',
      message: /for type 'order_by', but found 'sideways'$/,
    });
  });

  it('refuses distinct_on that does not match the start of order_by', async () => {
    expectHasuraError(await g.graphql('{ track(distinct_on: [album_id], order_by: {name: asc}) { name } }'), {
      path: '$.selectionSet.track.args',
      code: 'validation-failed',
      message: '"distinct_on" columns must match initial "order_by" columns',
    });
  });

  it.each([
    ['a negative literal', '{ artist(limit: -1) { name } }', undefined],
    ['a non-integer literal', '{ artist(limit: 1.5) { name } }', undefined],
    ['a negative variable', 'query ($l: Int) { artist(limit: $l) { name } }', { l: -1 }],
  ])('refuses %s limit', async (_name, query, variables) => {
    expectHasuraError(await g.graphql(query, variables), {
      path: '$.selectionSet.artist.args.limit',
      code: 'validation-failed',
      message: /^expected a non-negative 32-bit integer for type 'Int', but found /,
    });
  });

  it('refuses a negative offset', async () => {
    expectHasuraError(await g.graphql('{ artist(offset: -3) { name } }'), {
      path: '$.selectionSet.artist.args.offset',
      code: 'validation-failed',
      message: /^expected a non-negative 32-bit integer/,
    });
  });

});

describe('operations', () => {
  it('runs the operation named by operationName', async () => {
    const result = await g.post('/v1/graphql', { query: 'query A { genre(limit: 1) { genre_id } } query B { __typename }', operationName: 'B' });
    expect(dataOf(result)).toEqual({ __typename: 'query_root' });
  });

  it('refuses several operations without operationName in Hasura\'s shape', async () => {
    expectHasuraError(await g.graphql('query A { __typename } query B { __typename }'), {
      path: '$',
      code: 'validation-failed',
      // Messages are advisory (Hasura's own runner compares them loosely); code and path are exact.
      message: /operation/,
    });
  });

  it('refuses an unknown operationName in Hasura\'s shape', async () => {
    const result = await g.post('/v1/graphql', { query: 'query A { __typename }', operationName: 'C' });
    expectHasuraError(result, { path: '$', code: 'validation-failed' });
  });

  it('refuses a subscription over HTTP in Hasura\'s shape', async () => {
    expectHasuraError(await g.graphql('subscription { artist { name } }'), { path: '$', code: 'validation-failed' });
  });

  it('refuses GET /v1/graphql without a query in Hasura\'s shape', async () => {
    const result = await g.request('/v1/graphql');
    expect(result.status).toBe(200);
    const error = errorOf(result);
    expect(Object.keys(error.extensions).sort()).toEqual(['code', 'path']);
  });
});

describe('routes', () => {
  it('answers GET /v1/graphql?query=…', async () => {
    const query = '{ artist(order_by: {artist_id: asc}, limit: 2) { artist_id name } }';
    const result = await g.request(`/v1/graphql?query=${encodeURIComponent(query)}`);
    const expected = (await g.db.pool.query('SELECT artist_id, name FROM artist ORDER BY artist_id LIMIT 2')).rows;
    expect(dataOf(result)).toEqual({ artist: expected });
  });

  it('serves GraphiQL to a browser', async () => {
    const result = await g.request('/v1/graphql', { headers: { accept: 'text/html' } });
    expect(result.status).toBe(200);
    expect(result.headers.get('content-type')).toMatch(/^text\/html/);
    expect(result.text).toMatch(/graphiql/i);
  });

  it('answers /healthz with 200 OK', async () => {
    const result = await g.request('/healthz');
    expect([result.status, result.text]).toEqual([200, 'OK']);
  });

  it('answers /v1/version with the package version', async () => {
    const result = await g.request('/v1/version');
    expect(result.status).toBe(200);
    expect(result.body).toEqual({ version: `v${process.env.npm_package_version ?? '0.1.0'}` });
  });

  it.each(['/nope', '/v1/graphqlx', '/v2/graphql'])('answers an unknown path %s with Hasura\'s 404', async (path) => {
    const result = await g.request(path);
    expect(result.status).toBe(404);
    expect(result.body).toEqual({ path: '$', error: 'resource does not exist', code: 'not-found' });
  });

  it('exports metadata through /v1/metadata', async () => {
    const result = await g.post('/v1/metadata', { type: 'export_metadata', args: {} });
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ version: 3, sources: [{ name: 'default', kind: 'postgres' }] });
  });
});

describe('with an admin secret', () => {
  let secured: TestGateway;
  const query = '{ genre_aggregate { aggregate { count } } }';

  beforeAll(async () => {
    secured = await startTestGateway({ example: true, env: { SLUICE_ADMIN_SECRET: 's3cret' } });
  });

  afterAll(async () => {
    await secured?.close();
  });

  it('denies a request without the secret, with HTTP 200 on /v1/graphql', async () => {
    expectHasuraError(await secured.graphql(query, undefined, {}), { path: '$', code: 'access-denied' });
  });

  it('denies a wrong secret', async () => {
    expectHasuraError(await secured.graphql(query, undefined, { 'x-hasura-admin-secret': 's3cre7' }), { path: '$', code: 'access-denied' });
  });

  it('answers with the right secret', async () => {
    const [{ n }] = (await secured.db.pool.query('SELECT count(*)::int AS n FROM genre')).rows as [{ n: number }];
    expect(dataOf(await secured.graphql(query, undefined, { 'x-hasura-admin-secret': 's3cret' }))).toEqual({ genre_aggregate: { aggregate: { count: n } } });
  });

  it('denies the admin APIs without the secret', async () => {
    const result = await secured.post('/v1/metadata', { type: 'export_metadata', args: {} }, {});
    expect(result.status).toBe(401);
    expect(result.body).toMatchObject({ code: 'access-denied' });
  });
});
