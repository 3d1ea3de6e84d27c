import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, errorOf, startTestGateway, type TestGateway } from '../support/test-gateway.js';

describe('a permission whose rule names a dropped column', () => {
  let g: TestGateway;
  const asReader = { 'x-hasura-role': 'reader' };
  beforeAll(async () => {
    g = await startTestGateway({
      example: false,
      env: { SLUICE_AUTO_TRACK: 'false' },
      setupSql: `CREATE TABLE note (id int PRIMARY KEY, body text, owner text);
                 INSERT INTO note VALUES (1, 'mine', 'a'), (2, 'theirs', 'b');`,
    });
    const setup = await g.post('/v1/metadata', {
      type: 'bulk',
      args: [
        { type: 'pg_track_table', args: { table: 'note' } },
        { type: 'pg_create_select_permission', args: { table: 'note', role: 'reader', permission: { columns: ['id', 'body'], filter: { owner: { _eq: 'a' } } } } },
      ],
    });
    expect(setup.status).toBe(200);
  });
  afterAll(async () => g?.close());

  it('first serves exactly the rows the rule allows', async () => {
    expect(dataOf(await g.graphql('{ note { id body } }', undefined, asReader))).toEqual({ note: [{ id: 1, body: 'mine' }] });
  });

  it('after the column is dropped, the role loses the table instead of seeing every row', async () => {
    await g.runSql('ALTER TABLE note DROP COLUMN owner');
    const error = errorOf(await g.graphql('{ note { id body } }', undefined, asReader));
    expect(error.extensions.code).toBe('validation-failed');
    // Admin still reads the table, and the gateway stays healthy.
    expect(dataOf(await g.graphql('{ note(order_by: {id: asc}) { id } }'))).toEqual({ note: [{ id: 1 }, { id: 2 }] });
    const health = await g.request('/healthz', { method: 'GET' });
    expect(health.status).toBe(200);
    // …and reports the permission as inconsistent metadata.
    const report = await g.post('/v1/metadata', { type: 'get_inconsistent_metadata', args: {} });
    expect(JSON.stringify(report.body)).toContain('owner');
  });
});
