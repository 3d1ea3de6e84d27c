/**
 * Two `sluice serve` processes on one database, as behind a load balancer (issue 5, items 4 and
 * 5): a change made through one, or straight in SQL, reaches the other without a restart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { queryFields, serveProcess, typeFields, waitFor, waitForLog, type Instance } from './reload-fixture.js';

describe('two gateway processes on one database', () => {
  let db: TestDatabase;
  let a: Instance;
  let b: Instance;
  const latencies: Record<string, number> = {};

  beforeAll(async () => {
    db = await createTestDatabase('sluice_reload');
    await db.pool.query('CREATE TABLE item (id int PRIMARY KEY, name text NOT NULL, secret text)');
    await db.pool.query("INSERT INTO item VALUES (1, 'one', 's1'), (2, 'two', 's2')");
    // Started one after the other: both apply the catalog migrations (the second finds them done).
    a = await serveProcess({ DATABASE_URL: db.url });
    b = await serveProcess({ DATABASE_URL: db.url });
    await Promise.all([a, b].map((instance) => waitForLog(instance.logs, 'listening for metadata and schema changes')));
  });

  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await db?.drop();
    const reloadMs = [a, b].flatMap((i) => i?.logs ?? []).filter((l) => l.msg === 'schema reloaded after a change').map((l) => l.latencyMs);
    console.log('change → visible on the other instance (ms):', latencies, 'notification → reload done (ms):', reloadMs);
  });

  it('shows a permission created through A on B within a second', async () => {
    const asUser = { 'x-hasura-role': 'user' };
    expect(await queryFields(b, asUser)).not.toContain('item');
    const created = await a.post('/v1/metadata', {
      type: 'pg_create_select_permission',
      args: { source: 'default', table: { schema: 'public', name: 'item' }, role: 'user', permission: { columns: ['id', 'name'], filter: {} } },
    });
    expect(created.status, created.text).toBe(200);
    latencies.permission = await waitFor(async () => (await queryFields(b, asUser)).includes('item'), 1_000, 'the permission on B');
    const rows = await b.graphql('{ item(order_by: {id: asc}) { id name } }', asUser);
    expect(rows.body).toEqual({ data: { item: [{ id: 1, name: 'one' }, { id: 2, name: 'two' }] } });
    // The column left out of the permission stays out.
    const secret = await b.graphql('{ item { secret } }', asUser);
    expect(JSON.stringify(secret.body)).toContain('validation-failed');
  });

  it('picks up a CREATE TABLE run straight in SQL on both instances', async () => {
    await db.pool.query("CREATE TABLE gadget (id int PRIMARY KEY, label text); INSERT INTO gadget VALUES (7, 'seven')");
    latencies.createTable = await waitFor(
      async () => (await queryFields(a)).includes('gadget') && (await queryFields(b)).includes('gadget'),
      5_000,
      'table gadget on both instances',
    );
    const rows = await b.graphql('{ gadget { id label } }');
    expect(rows.body).toEqual({ data: { gadget: [{ id: 7, label: 'seven' }] } });
  });

  it('picks up ALTER TABLE ADD COLUMN run through run_sql on A, on B', async () => {
    const ran = await a.post('/v2/query', { type: 'run_sql', args: { sql: 'ALTER TABLE gadget ADD COLUMN weight numeric' } });
    expect(ran.status, ran.text).toBe(200);
    latencies.addColumn = await waitFor(async () => (await typeFields(b, 'gadget')).includes('weight'), 5_000, 'column weight on B');
    expect((await b.graphql('{ gadget { id weight } }')).body).toEqual({ data: { gadget: [{ id: 7, weight: null }] } });
  });

  it('drops a dropped column from the schema and keeps serving the table', async () => {
    await db.pool.query('ALTER TABLE gadget DROP COLUMN label');
    latencies.dropColumn = await waitFor(async () => !(await typeFields(b, 'gadget')).includes('label'), 5_000, 'column label gone on B');
    expect((await b.graphql('{ gadget { id } }')).body).toEqual({ data: { gadget: [{ id: 7 }] } });
  });

  it('logs each reload with its latency and never a failure', () => {
    for (const instance of [a, b]) {
      const reloads = instance.logs.filter((line) => line.msg === 'schema reloaded after a change');
      expect(reloads.length).toBeGreaterThan(0);
      expect(instance.logs.filter((line) => line.level >= 50)).toEqual([]);
    }
  });
});
