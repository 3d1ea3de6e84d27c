/**
 * A function served by the runner talks to a real gateway through its context's client, as its
 * own role with the service key named in the manifest.
 */
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFunctionRunner, type FunctionRunner } from '../../functions/runner/index.js';
import { baseUrl, startTestGateway, type TestGateway } from '../support/test-gateway.js';
import { eventFor, writeFunctionDir, type FunctionDir } from './function-fixtures.js';

const secret = 'function-runner-test-admin-secret';

describe('a function calling Sluice from the runner', () => {
  let g: TestGateway;
  let functions: FunctionDir;
  let runner: FunctionRunner;
  const seen: Request[] = [];

  const invoke = async (name: string, body: unknown) => {
    const response = await fetch(`${runner.url}/${name}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    g = await startTestGateway({ example: true, env: { SLUICE_ADMIN_SECRET: secret } });
    const admin = { 'x-hasura-admin-secret': secret };
    const permission = await g.post('/v1/metadata', { type: 'pg_create_select_permission', args: { table: 'genre', role: 'catalog_reader', permission: { columns: ['genre_id', 'name'], filter: {} } } }, admin);
    expect(permission.status).toBe(200);
    const created = await g.post('/v1/metadata', { type: 'sluice_create_service_key', args: { name: 'genres-fn', roles: ['catalog_reader'] } }, admin);
    expect(created.status).toBe(200);
    functions = await writeFunctionDir({
      genres: { module: 'genres.ts', role: 'catalog_reader', serviceKeyEnv: 'GENRES_SERVICE_KEY' },
      roleless: { module: 'genres.ts' },
    });
    runner = await startFunctionRunner({
      dir: functions.dir,
      sluiceUrl: `${baseUrl}/v1/graphql`,
      env: { GENRES_SERVICE_KEY: (created.body as { key: string }).key },
      fetch: (url, init) => {
        const request = new Request(url, init);
        seen.push(request.clone());
        return g.gateway.fetch(request);
      },
      logger: pino({ level: 'silent' }),
    });
  });
  afterAll(async () => {
    await runner?.stop();
    await functions?.remove();
    await g?.close();
  });

  it('reads through its client as its role, both calls of one tick in one request', async () => {
    seen.length = 0;
    const response = await invoke('genres', eventFor({ genre_id: 1 }));
    const { rows } = await g.db.pool.query<{ name: string }>('SELECT name FROM genre WHERE genre_id IN (1, 2) ORDER BY genre_id');
    expect(response).toEqual({ status: 200, body: { names: rows.map((r) => r.name) } });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.headers.get('x-hasura-role')).toBe('catalog_reader');
    expect(seen[0]!.headers.get('x-sluice-service-key')).toMatch(/^sk_/);
    expect(seen[0]!.headers.get('x-hasura-admin-secret')).toBeNull();
    expect(await seen[0]!.json()).toHaveLength(2);
  });

  it('gets a 500 naming the GraphQL error when its role may not do what it tries', async () => {
    const response = await invoke('genres', eventFor({ genre_id: -1 }));
    expect(response.status).toBe(500);
    expect(response.body.error).toMatch(/artist/);
  });

  it('has no client without a role in the manifest, and says so', async () => {
    const response = await invoke('roleless', eventFor({ genre_id: 1 }));
    expect(response).toEqual({ status: 500, body: { error: 'function roleless has no role in the manifest, so it has no Sluice client' } });
  });
});
