/**
 * `/healthz` (issue 5, item 3): OK, WARN for inconsistent metadata (500 ERROR with
 * `?strict=true`), and a gateway that serves what it can instead of crashing — at startup or on
 * a reload.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { runMigrations } from '../../gateway/database/index.js';
import { createLogger } from '../../gateway/logging/index.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { queryFields, startInstance, waitFor, type Instance } from './reload-fixture.js';

const brokenMetadata = JSON.stringify({ version: 3, sources: 'not a list' });

function metadataWith(tables: unknown[]): string {
  return JSON.stringify({ version: 3, sources: [{ name: 'default', kind: 'postgres', tables }] });
}

async function health(g: Instance, strict = false): Promise<[number, string]> {
  const result = await g.get(strict ? '/healthz?strict=true' : '/healthz');
  return [result.status, result.text];
}

/** Stores metadata behind the gateways' backs, as another writer would, and tells them. */
async function storeMetadata(db: TestDatabase, metadata: string): Promise<void> {
  await db.pool.query('UPDATE sluice.metadata SET metadata = $1::jsonb, resource_version = resource_version + 1', [metadata]);
  await db.pool.query("SELECT pg_notify('sluice_metadata', 'test')");
}

async function databaseWithTable(): Promise<TestDatabase> {
  const db = await createTestDatabase('sluice_health');
  await runMigrations(db.url, { example: false }, createLogger('silent'));
  await db.pool.query("CREATE TABLE note (id int PRIMARY KEY, body text, owner text); INSERT INTO note VALUES (1, 'hi', 'a')");
  return db;
}

describe('/healthz', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });
  afterAll(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  const start = async (db: TestDatabase) => {
    const g = await startInstance(db.url);
    cleanup.push(() => g.close());
    return g;
  };
  const fresh = async () => {
    const db = await databaseWithTable();
    cleanup.push(() => db.drop());
    return db;
  };

  it('answers OK, then WARN (strict: ERROR) once a DDL change makes a permission inconsistent', async () => {
    const db = await fresh();
    const g = await start(db);
    expect(await health(g)).toEqual([200, 'OK']);
    expect(await health(g, true)).toEqual([200, 'OK']);
    const created = await g.post('/v1/metadata', {
      type: 'pg_create_select_permission',
      args: { table: 'note', role: 'user', permission: { columns: ['id', 'body'], filter: { owner: { _eq: 'a' } } } },
    });
    expect(created.status, created.text).toBe(200);
    await db.pool.query('ALTER TABLE note DROP COLUMN owner');
    await waitFor(async () => (await health(g))[1] !== 'OK', 5_000, 'the inconsistency to be noticed');
    expect(await health(g)).toEqual([200, 'WARN: inconsistent objects in schema']);
    expect(await health(g, true)).toEqual([500, 'ERROR: inconsistent objects in schema']);
    // What is consistent is still served.
    expect((await g.graphql('{ note { id body } }')).body).toEqual({ data: { note: [{ id: 1, body: 'hi' }] } });
  });

  it('starts against inconsistent metadata, serves the rest and reports it', async () => {
    const db = await fresh();
    await db.pool.query('UPDATE sluice.metadata SET metadata = $1::jsonb', [
      metadataWith([{ table: { schema: 'public', name: 'note' } }, { table: { schema: 'public', name: 'gone' } }]),
    ]);
    const g = await start(db);
    expect(await health(g)).toEqual([200, 'WARN: inconsistent objects in schema']);
    expect(await health(g, true)).toEqual([500, 'ERROR: inconsistent objects in schema']);
    expect(await queryFields(g)).toContain('note');
    expect(g.logs.some((line) => line.msg === 'inconsistent metadata object')).toBe(true);
  });

  it('starts against metadata that cannot be built at all: serves without it and says so', async () => {
    const db = await fresh();
    await db.pool.query('UPDATE sluice.metadata SET metadata = $1::jsonb', [brokenMetadata]);
    const g = await start(db);
    expect(await health(g)).toEqual([200, 'WARN: metadata could not be loaded, serving without it']);
    expect(await health(g, true)).toEqual([500, 'ERROR: metadata could not be loaded, serving without it']);
    // Auto-tracked tables for admin; no role has any permission.
    expect(await queryFields(g)).toContain('note');
    expect(await queryFields(g, { 'x-hasura-role': 'user' })).not.toContain('note');
    // Fixed by another writer: the next reload builds it and the warning goes away.
    await storeMetadata(db, metadataWith([{ table: { schema: 'public', name: 'note' }, select_permissions: [{ role: 'user', permission: { columns: ['id'], filter: {} } }] }]));
    await waitFor(async () => (await health(g))[1] === 'OK', 5_000, 'healthz OK after the fix');
    expect(await queryFields(g, { 'x-hasura-role': 'user' })).toContain('note');
  });

  it('keeps the previous schema when a reload fails, and reports it', async () => {
    const db = await fresh();
    const g = await start(db);
    expect(await health(g)).toEqual([200, 'OK']);
    await storeMetadata(db, brokenMetadata);
    await waitFor(async () => (await health(g))[1] !== 'OK', 5_000, 'the failed reload');
    expect(await health(g)).toEqual([200, 'WARN: schema reload failed, serving the previous schema']);
    expect(await health(g, true)).toEqual([500, 'ERROR: schema reload failed, serving the previous schema']);
    expect((await g.graphql('{ note { id } }')).body).toEqual({ data: { note: [{ id: 1 }] } });
    expect(g.logs.some((line) => line.msg === 'schema reload failed; serving the previous schema' && line.level === 50)).toBe(true);
    await storeMetadata(db, metadataWith([]));
    await waitFor(async () => (await health(g))[1] === 'OK', 5_000, 'healthz OK after the fix');
  });

  it('answers 500 ERROR when Postgres does not answer', async () => {
    const db = await fresh();
    const g = await startInstance(db.url);
    await g.pool.end();
    const [status, text] = await health(g);
    expect(status).toBe(500);
    expect(text).toMatch(/^ERROR: database unavailable: /);
    await g.gateway.close();
  });
});
