import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, errorOf, startTestGateway, type TestGateway } from '../support/test-gateway.js';

const secret = 'service-key-test-admin-secret';

describe('a function calling with a scoped service key', () => {
  let g: TestGateway;
  let key: string;
  beforeAll(async () => {
    g = await startTestGateway({ example: true, env: { SLUICE_ADMIN_SECRET: secret } });
    const admin = { 'x-hasura-admin-secret': secret };
    const setup = await g.post(
      '/v1/metadata',
      {
        type: 'bulk',
        args: [
          // genre is auto-tracked (no metadata entry): the permission gives it one.
          { type: 'pg_create_select_permission', args: { table: 'genre', role: 'catalog_reader', permission: { columns: ['genre_id', 'name'], filter: { genre_id: { _lte: 'X-Hasura-Max-Genre' } } } } },
        ],
      },
      admin,
    );
    expect(setup.status).toBe(200);
    const created = await g.post('/v1/metadata', { type: 'sluice_create_service_key', args: { name: 'catalog-fn', roles: ['catalog_reader'] } }, admin);
    expect(created.status).toBe(200);
    key = (created.body as { key: string }).key;
    expect(key).toMatch(/^sk_/);
  });
  afterAll(async () => g?.close());

  it('reads exactly what its role allows, with its own session variables', async () => {
    const result = await g.graphql('{ genre(order_by: {genre_id: asc}) { genre_id name } }', undefined, {
      'x-sluice-service-key': key,
      'x-hasura-role': 'catalog_reader',
      'x-hasura-max-genre': '3',
    });
    const { rows } = await g.pool.query('SELECT genre_id, name FROM genre WHERE genre_id <= 3 ORDER BY genre_id');
    expect(dataOf(result)).toEqual({ genre: rows });
  });

  it('never acts as admin', async () => {
    const error = errorOf(await g.graphql('{ artist(limit: 1) { name } }', undefined, { 'x-sluice-service-key': key, 'x-hasura-role': 'admin' }));
    expect(error.extensions.code).toBe('access-denied');
  });

  it('cannot see tables its role has no permission on', async () => {
    const error = errorOf(await g.graphql('{ artist(limit: 1) { name } }', undefined, { 'x-sluice-service-key': key, 'x-hasura-role': 'catalog_reader', 'x-hasura-max-genre': '3' }));
    expect(error.extensions.code).toBe('validation-failed');
  });

  it('refuses a wrong key', async () => {
    const wrong = `sk_${'A'.repeat(43)}`;
    const error = errorOf(await g.graphql('{ genre { name } }', undefined, { 'x-sluice-service-key': wrong, 'x-hasura-role': 'catalog_reader' }));
    expect(error.extensions.code).toBe('access-denied');
  });

  it('stops working as soon as it is dropped', async () => {
    const dropped = await g.post('/v1/metadata', { type: 'sluice_drop_service_key', args: { name: 'catalog-fn' } }, { 'x-hasura-admin-secret': secret });
    expect(dropped.status).toBe(200);
    const error = errorOf(await g.graphql('{ genre { name } }', undefined, { 'x-sluice-service-key': key, 'x-hasura-role': 'catalog_reader', 'x-hasura-max-genre': '3' }));
    expect(error.extensions.code).toBe('access-denied');
  });
});
