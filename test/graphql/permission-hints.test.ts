import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf, startTestGateway, type TestGateway } from '../support/test-gateway.js';

async function grantGenreToViewer(g: TestGateway): Promise<void> {
  const result = await g.post('/v1/metadata', {
    type: 'bulk',
    args: [
      { type: 'pg_track_table', args: { table: 'genre' } },
      { type: 'pg_track_table', args: { table: 'artist' } },
      { type: 'pg_create_select_permission', args: { table: 'genre', role: 'viewer', permission: { columns: ['genre_id'], filter: {} } } },
    ],
  });
  expect(result.status).toBe(200);
}

describe('permission hints in dev mode', () => {
  let g: TestGateway;
  beforeAll(async () => {
    g = await startTestGateway({ example: true, env: { SLUICE_AUTO_TRACK: 'false' } });
    await grantGenreToViewer(g);
  });
  afterAll(async () => g?.close());

  it('names the missing permission when a role asks for a column it may not see', async () => {
    const error = errorOf(await g.graphql('{ genre { genre_id name } }', undefined, { 'x-hasura-role': 'viewer' }));
    expect(error.extensions.code).toBe('validation-failed');
    expect(error.extensions.path).toBe('$.selectionSet.genre.selectionSet.name');
    expect((error.extensions as { hint?: string }).hint).toMatch(/role "viewer" may not select "name" of "genre"/);
  });

  it('names the missing select permission for a root field', async () => {
    const error = errorOf(await g.graphql('{ artist { name } }', undefined, { 'x-hasura-role': 'viewer' }));
    expect((error.extensions as { hint?: string }).hint).toMatch(/role "viewer" has no select permission that exposes "artist"/);
  });

  it('gives no hint for a field that does not exist at all', async () => {
    const error = errorOf(await g.graphql('{ genre { nonsense } }', undefined, { 'x-hasura-role': 'viewer' }));
    expect((error.extensions as { hint?: string }).hint).toBeUndefined();
  });
});

describe('permission hints with an admin secret', () => {
  let g: TestGateway;
  beforeAll(async () => {
    g = await startTestGateway({ example: true, env: { SLUICE_AUTO_TRACK: 'false', SLUICE_ADMIN_SECRET: 'hint-test-secret' } });
    await grantGenreToViewer(g);
  });
  afterAll(async () => g?.close());

  it('reveals nothing about permissions outside dev mode', async () => {
    const error = errorOf(await g.graphql('{ genre { genre_id name } }', undefined, { 'x-hasura-role': 'viewer', 'x-hasura-admin-secret': 'hint-test-secret' }));
    expect(error.extensions.code).toBe('validation-failed');
    expect(error.extensions).not.toHaveProperty('hint');
  });
});

describe('permission hints for rejected writes in dev mode', () => {
  let g: TestGateway;
  beforeAll(async () => {
    g = await startTestGateway({
      example: false,
      env: { SLUICE_AUTO_TRACK: 'false' },
      setupSql: 'CREATE TABLE note (id int PRIMARY KEY, owner text NOT NULL);',
    });
    const setup = await g.post('/v1/metadata', {
      type: 'bulk',
      args: [
        { type: 'pg_track_table', args: { table: 'note' } },
        { type: 'pg_create_insert_permission', args: { table: 'note', role: 'writer', permission: { columns: ['id', 'owner'], check: { owner: { _eq: 'X-Hasura-User-Id' } } } } },
      ],
    });
    expect(setup.status).toBe(200);
  });
  afterAll(async () => g?.close());

  it('names the role whose check rejected the row', async () => {
    const error = errorOf(
      await g.graphql('mutation { insert_note(objects: [{id: 1, owner: "someone else"}]) { affected_rows } }', undefined, { 'x-hasura-role': 'writer', 'x-hasura-user-id': 'me' }),
    );
    expect(error.extensions.code).toBe('permission-error');
    expect((error.extensions as { hint?: string }).hint).toMatch(/role "writer": a row it wrote does not satisfy the check/);
    const { rows } = await g.pool.query('SELECT count(*)::int AS n FROM note');
    expect(rows[0].n).toBe(0);
  });
});
