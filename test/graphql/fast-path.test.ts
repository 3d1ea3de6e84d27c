/**
 * The fast path of `POST /v1/graphql` (gateway/http/fast-graphql.ts) answers exactly as the full
 * yoga pipeline does. Each request is sent twice: over HTTP to the Node server (fast path where
 * it applies) and through `gateway.fetch` (yoga only); status, body and content type must match.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type HttpResult, type TestGateway } from '../support/test-gateway.js';

let g: TestGateway;
const secret = 'fast-path-secret';
const admin = { 'x-hasura-admin-secret': secret };
const user = (id: number) => ({ ...admin, 'x-hasura-role': 'user', 'x-hasura-user-id': String(id) });

async function viaYoga(body: unknown, headers: Record<string, string>): Promise<HttpResult> {
  const response = await g.gateway.fetch(
    new Request('http://sluice.test/v1/graphql', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) }),
  );
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // compared as text
  }
  return { status: response.status, headers: response.headers, body: parsed, text };
}

const fastLines = () => g.logs.filter((line) => line.msg === 'request' && line.fastPath === true).length;

/** Sends `body` both ways and checks the answers agree; returns the fast one and whether the fast path took it. */
async function both(body: unknown, headers: Record<string, string> = admin): Promise<{ result: HttpResult; fast: boolean }> {
  const before = fastLines();
  const result = await g.post('/v1/graphql', body, headers);
  const fast = fastLines() > before;
  const reference = await viaYoga(body, headers);
  expect(result.status).toBe(reference.status);
  expect(result.body).toEqual(reference.body);
  expect(result.headers.get('content-type')).toBe(reference.headers.get('content-type'));
  return { result, fast };
}

beforeAll(async () => {
  g = await startTestGateway({
    example: false,
    logLevel: 'info',
    env: { SLUICE_ADMIN_SECRET: secret },
    setupSql: `
      CREATE TABLE note (id int PRIMARY KEY, owner int NOT NULL, body text NOT NULL);
      INSERT INTO note VALUES (1, 1, 'one'), (2, 2, 'two'), (3, 1, 'three');
      CREATE TABLE page (id int PRIMARY KEY, body text NOT NULL);
      INSERT INTO page SELECT i, repeat('Ångström ✓ ', 20) || i FROM generate_series(1, 2000) AS i;`,
  });
  const permissions = [
    { type: 'pg_create_select_permission', args: { table: 'note', role: 'user', permission: { columns: ['id', 'body'], filter: { owner: { _eq: 'X-Hasura-User-Id' } } } } },
    { type: 'pg_create_insert_permission', args: { table: 'note', role: 'user', permission: { columns: ['id', 'body', 'owner'], check: { owner: { _eq: 'X-Hasura-User-Id' } } } } },
  ];
  for (const args of permissions) expect((await g.post('/v1/metadata', args, admin)).status).toBe(200);
});

afterAll(async () => {
  await g?.close();
});

describe('the fast path', () => {
  it('answers queries with variables, directives, fragments, typename and introspection as yoga does', async () => {
    const cases = [
      { query: 'query Q($id: Int!) { note_by_pk(id: $id) { id body } }', variables: { id: 1 } },
      { query: 'query Q($id: Int!) { note_by_pk(id: $id) { id body } }', variables: { id: 2 } },
      { query: 'query ($skip: Boolean!) { note(order_by: {id: asc}) { id body @skip(if: $skip) ...F } } fragment F on note { owner }', variables: { skip: true } },
      { query: '{ note_aggregate { aggregate { count } } __typename n: __type(name: "note") { name } }' },
      { query: 'query A { a: note(limit: 1) { id } } query B { b: note(limit: 2) { id } }', operationName: 'B' },
      // Variables the operation does not declare are ignored, as graphql-js does.
      { query: '{ note(order_by: {id: asc}, limit: 2) { id } }', variables: { unused: 1, id: 'x' } },
    ];
    for (const body of cases) expect((await both(body)).fast).toBe(true);
  });

  it('writes a large answer (written in pieces, not joined) byte for byte as yoga does', async () => {
    const { result, fast } = await both({ query: '{ page(order_by: {id: asc}) { id body } __typename }' });
    expect(fast).toBe(true);
    expect(Number(result.headers.get('content-length'))).toBe(Buffer.byteLength(result.text));
    expect(Buffer.byteLength(result.text)).toBeGreaterThan(256 * 1024);
    const { rows } = await g.db.pool.query('SELECT id, body FROM page ORDER BY id');
    expect(result.body).toEqual({ data: { page: rows, __typename: 'query_root' } });
  });

  it("applies the role's row filter and session variables", async () => {
    const { result, fast } = await both({ query: '{ note(order_by: {id: asc}) { id body } }' }, user(1));
    expect(fast).toBe(true);
    expect(result.body).toEqual({ data: { note: [{ id: 1, body: 'one' }, { id: 3, body: 'three' }] } });
  });

  it('hands documents with errors, bad variables, batches and unknown operations to the full pipeline, which answers them', async () => {
    const cases: unknown[] = [
      { query: '{ note { nope } }' },
      { query: 'query Q($id: Int!) { note_by_pk(id: $id) { id } }', variables: { id: 'x' } },
      { query: 'query Q($id: Int!) { note_by_pk(id: $id) { id } }' },
      { query: '{ note { id }' },
      { query: 'query A { note { id } }', operationName: 'Missing' },
      [{ query: '{ note(limit: 1) { id } }' }, { query: '{ note_aggregate { aggregate { count } } }' }],
      '{"query": ',
      { query: '{ note { owner } }' },
    ];
    for (const body of cases) {
      const { fast } = await both(body, Array.isArray(body) || typeof body === 'string' ? admin : user(1));
      expect(fast).toBe(false);
    }
  });

  it('runs a mutation once and reports its error itself (a permission check, a duplicate key)', async () => {
    const insert = { query: 'mutation ($o: note_insert_input!) { insert_note_one(object: $o) { id } }' };
    const denied = await g.post('/v1/graphql', { ...insert, variables: { o: { id: 10, owner: 2, body: 'not mine' } } }, user(1));
    expect(denied.status).toBe(200);
    expect(denied.body).toMatchObject({ errors: [{ extensions: { code: 'permission-error' } }] });
    const ok = await g.post('/v1/graphql', { ...insert, variables: { o: { id: 11, owner: 1, body: 'mine' } } }, user(1));
    expect(ok.body).toEqual({ data: { insert_note_one: { id: 11 } } });
    const duplicate = await g.post('/v1/graphql', { ...insert, variables: { o: { id: 11, owner: 1, body: 'again' } } }, user(1));
    expect(duplicate.body).toMatchObject({ errors: [{ extensions: { code: 'constraint-violation' } }] });
    const { rows } = await g.db.pool.query('SELECT id, body FROM note WHERE id >= 10 ORDER BY id');
    expect(rows).toEqual([{ id: 11, body: 'mine' }]);
    expect(g.logs.filter((line) => line.msg === 'request' && line.fastPath === true && line.operationType === 'mutation')).toHaveLength(3);
  });

  it('refuses a body over the limit with 413, echoes x-request-id and answers CORS as yoga does', async () => {
    const huge = JSON.stringify({ query: '{ note { id } }', variables: { pad: 'x'.repeat(11 * 1024 * 1024) } });
    const tooLarge = await g.post('/v1/graphql', huge, admin);
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body).toMatchObject({ errors: [{ extensions: { code: 'bad-request' } }] });
    const headers = { ...admin, origin: 'http://app.example', 'x-request-id': 'trace-123' };
    const answered = await g.post('/v1/graphql', { query: '{ note(limit: 1) { id } }' }, headers);
    expect(answered.headers.get('x-request-id')).toBe('trace-123');
    const reference = await viaYoga({ query: '{ note(limit: 1) { id } }' }, headers);
    for (const name of ['access-control-allow-origin', 'access-control-allow-credentials', 'vary']) {
      expect(answered.headers.get(name)).toBe(reference.headers.get(name));
    }
  });

  it('refuses a request without credentials as yoga does', async () => {
    const { result, fast } = await both({ query: '{ note { id } }' }, {});
    expect(fast).toBe(false);
    expect(result.body).toMatchObject({ errors: [{ extensions: { code: expect.any(String) } }] });
  });
});
