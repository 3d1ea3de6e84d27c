/**
 * A role whose update permission allows no column still gets `on_conflict`, and its
 * `<table>_update_column` enum holds only Hasura's `_PLACEHOLDER` (GraphQL forbids an empty
 * enum). Naming the placeholder as a column is refused as Hasura refuses it; an empty
 * `update_columns` is the way to skip conflicting rows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, errorOf, startTestGateway, type TestGateway } from '../support/test-gateway.js';

let g: TestGateway;
const restricted = { 'x-hasura-role': 'restricted' };

async function bodies(): Promise<string[]> {
  const { rows } = await g.db.pool.query<{ body: string }>('SELECT body FROM note ORDER BY id');
  return rows.map((r) => r.body);
}

beforeAll(async () => {
  g = await startTestGateway({ example: false, setupSql: "CREATE TABLE note (id int PRIMARY KEY, body text NOT NULL); INSERT INTO note VALUES (1, 'one');" });
  const permissions = [
    { type: 'pg_create_insert_permission', args: { table: 'note', role: 'restricted', permission: { columns: ['id', 'body'], check: {} } } },
    { type: 'pg_create_select_permission', args: { table: 'note', role: 'restricted', permission: { columns: ['id', 'body'], filter: {} } } },
    { type: 'pg_create_update_permission', args: { table: 'note', role: 'restricted', permission: { columns: [], filter: {} } } },
  ];
  for (const args of permissions) expect((await g.post('/v1/metadata', args, g.adminHeaders)).status).toBe(200);
});

afterAll(async () => {
  await g?.close();
});

describe('on_conflict for a role that may update no column', () => {
  it('skips the conflicting row with update_columns: []', async () => {
    const result = await g.graphql('mutation { insert_note(objects: [{id: 1, body: "changed"}], on_conflict: {constraint: note_pkey, update_columns: []}) { affected_rows returning { body } } }', undefined, restricted);
    expect(dataOf(result).insert_note).toEqual({ affected_rows: 0, returning: [] });
    expect(await bodies()).toEqual(['one']);
  });

  it('refuses _PLACEHOLDER as a column, as Hasura does, writing nothing', async () => {
    const result = await g.graphql(
      'mutation { insert_note(objects: [{id: 2, body: "two"}], on_conflict: {constraint: note_pkey, update_columns: [_PLACEHOLDER]}) { affected_rows } }',
      undefined,
      restricted,
    );
    expect(result.status).toBe(200);
    expect(errorOf(result)).toMatchObject({ message: 'erroneous column name', extensions: { code: 'validation-failed', path: '$.selectionSet.insert_note.args.on_conflict' } });
    expect(await bodies()).toEqual(['one']);
  });
});
