/**
 * `POST /v1/graphql/explain` (Hasura §13): one `{field, sql, plan}` per root field, admin only,
 * Hasura's error shapes; and Sluice's `analyze: true`, which runs the statements as the given
 * role — its row filters and session variables — in a transaction that is rolled back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';

const secret = 'explain-secret';
const admin = { 'x-hasura-admin-secret': secret };

interface Explained {
  readonly field: string;
  readonly sql: string | null;
  readonly plan: string[] | null;
}

let g: TestGateway;

beforeAll(async () => {
  g = await startTestGateway({ example: true, env: { SLUICE_ADMIN_SECRET: secret } });
  const granted = await g.post(
    '/v1/metadata',
    {
      type: 'pg_create_select_permission',
      args: { table: 'invoice', role: 'customer', permission: { columns: ['invoice_id', 'total'], filter: { customer_id: { _eq: 'X-Hasura-User-Id' } } } },
    },
    admin,
  );
  expect(granted.status).toBe(200);
});

afterAll(async () => g?.close());

function explain(body: unknown, headers: Record<string, string> = admin) {
  return g.post('/v1/graphql/explain', body, headers);
}

describe('explain', () => {
  it('returns the SQL and plan of each root field', async () => {
    const result = await explain({
      query: {
        query: 'query Two($n: Int!) { artists: artist(limit: $n, order_by: {name: asc}) { name } album_aggregate { aggregate { count } } __typename }',
        variables: { n: 2 },
        operationName: 'Two',
      },
    });
    expect(result.status).toBe(200);
    const fields = result.body as Explained[];
    expect(fields.map((f) => f.field)).toEqual(['artists', 'album_aggregate', '__typename']);
    const [artists, aggregate, typename] = fields;
    expect(artists!.sql).toMatch(/^SELECT /);
    expect(artists!.sql).toContain('"public"."artist"');
    // Values stay parameters: the limit is $n, bound to the request's value when planning.
    expect(artists!.sql).toMatch(/\$1/);
    expect(artists!.plan!.join('\n')).toMatch(/Limit/);
    expect(artists!.plan!.every((line) => typeof line === 'string')).toBe(true);
    expect(aggregate!.sql).toContain('"public"."album"');
    expect(aggregate!.plan!.join('\n')).toMatch(/album/);
    expect(typename).toEqual({ field: '__typename', sql: null, plan: null });
    // Not analyzed: no actual times.
    expect(artists!.plan!.join('\n')).not.toMatch(/actual time/);
  });

  it('with analyze, runs the query as the given role, with its row filter and session variables', async () => {
    const { rows } = await g.db.pool.query<{ customer: number; mine: number; all: number }>(
      'SELECT 2 AS customer, count(*) FILTER (WHERE customer_id = 2)::int AS mine, count(*)::int AS all FROM invoice',
    );
    const { mine, all } = rows[0]!;
    expect(mine).toBeGreaterThan(0);
    expect(mine).toBeLessThan(all);
    const result = await explain({
      query: { query: '{ invoice { invoice_id total } }' },
      user: { 'X-Hasura-Role': 'customer', 'X-Hasura-User-Id': '2' },
      analyze: true,
    });
    expect(result.status).toBe(200);
    const [invoice] = result.body as Explained[];
    expect(invoice!.field).toBe('invoice');
    expect(invoice!.sql).toContain('"customer_id"');
    const plan = invoice!.plan!.join('\n');
    expect(plan).toMatch(/actual time=/);
    // The scan of invoice returns only customer 2's rows: the permission filter was applied with the session value.
    const scan = invoice!.plan!.find((line) => /Scan .*invoice/.test(line));
    expect(scan).toMatch(new RegExp(`actual time=\\S+ rows=${mine} loops=1`));
    expect(plan).toMatch(/customer_id = 2/);

    const asAdmin = await explain({ query: { query: '{ invoice { invoice_id } }' }, analyze: true });
    const adminScan = (asAdmin.body as Explained[])[0]!.plan!.find((line) => /Scan .*invoice/.test(line));
    expect(adminScan).toMatch(new RegExp(`rows=${all} loops=1`));
  });

  it('explains as the role: what the role may not see does not exist', async () => {
    const result = await explain({ query: { query: '{ invoice { billing_city } }' }, user: { 'x-hasura-role': 'customer', 'x-hasura-user-id': '2' } });
    expect(result.status).toBe(400);
    expect(result.body).toEqual({ path: '$.selectionSet.invoice.selectionSet.billing_city', error: "field 'billing_city' not found in type: 'invoice'", code: 'validation-failed' });
  });

  it('needs the session variables the role\'s permissions use', async () => {
    const result = await explain({ query: { query: '{ invoice { invoice_id } }' }, user: { 'x-hasura-role': 'customer' }, analyze: true });
    expect(result.status).toBe(400);
    expect(result.body).toEqual({ path: '$', error: 'missing session variable: "x-hasura-user-id"', code: 'not-found' });
  });

  it('refuses mutations, and never runs them', async () => {
    const result = await explain({ query: { query: 'mutation { delete_invoice_line(where: {}) { affected_rows } }' }, analyze: true });
    expect(result.status).toBe(400);
    expect(result.body).toEqual({ path: '$', error: 'only queries can be explained', code: 'invalid-params' });
    const { rows } = await g.db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM invoice_line');
    expect(rows[0]!.n).toBeGreaterThan(0);
  });

  it('answers a malformed request in Hasura\'s error shape', async () => {
    expect((await explain({})).body).toEqual({ path: '$', error: 'key "query" not found', code: 'parse-failed' });
    const syntax = await explain({ query: { query: '{ artist { name ' } });
    expect(syntax.status).toBe(400);
    expect(syntax.body).toMatchObject({ path: '$.query', code: 'validation-failed' });
    const bad = await explain({ query: { query: '{ artist { name } }' }, analyze: 'yes' });
    expect(bad.body).toEqual({ path: '$.analyze', error: 'expected a boolean', code: 'parse-failed' });
  });

  it('is for admins only', async () => {
    const asRole = await explain({ query: { query: '{ invoice { invoice_id } }' } }, { ...admin, 'x-hasura-role': 'customer', 'x-hasura-user-id': '2' });
    expect(asRole.status).toBe(400);
    expect(asRole.body).toEqual({ path: '$.args', error: 'restricted access : admin only', code: 'access-denied' });
    const anonymous = await explain({ query: { query: '{ invoice { invoice_id } }' } }, {});
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toMatchObject({ code: 'access-denied' });
    expect((await g.request('/v1/graphql/explain')).status).toBe(405);
  });

  it('answers on the legacy path too', async () => {
    const result = await g.post('/v1alpha1/graphql/explain', { query: { query: '{ genre(limit: 1) { name } }' } }, admin);
    expect(result.status).toBe(200);
    expect((result.body as Explained[])[0]!.field).toBe('genre');
  });
});
