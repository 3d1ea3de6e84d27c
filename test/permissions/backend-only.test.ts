/**
 * `backend_only` permissions (reference §8): the operation exists for a role only when the
 * request carries the admin secret and `x-hasura-use-backend-only-permissions` says true, in
 * any of Hasura's boolean words. A value that is not one of them is refused with Hasura's
 * message, and nothing runs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, errorOf, startTestGateway, type TestGateway } from '../support/test-gateway.js';

let g: TestGateway;
const secret = 'backend-only-test-secret';
const service = (backendOnly?: string): Record<string, string> => ({
  'x-hasura-admin-secret': secret,
  'x-hasura-role': 'service',
  ...(backendOnly === undefined ? {} : { 'x-hasura-use-backend-only-permissions': backendOnly }),
});
const insert = 'mutation { insert_note(objects: [{body: "x"}]) { affected_rows } }';

async function notes(): Promise<number> {
  const { rows } = await g.db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM note');
  return rows[0]!.n;
}

beforeAll(async () => {
  g = await startTestGateway({ example: false, env: { SLUICE_ADMIN_SECRET: secret }, setupSql: 'CREATE TABLE note (id serial PRIMARY KEY, body text NOT NULL);' });
  const permissions = [
    { type: 'pg_create_insert_permission', args: { table: 'note', role: 'service', permission: { columns: ['body'], check: {}, backend_only: true } } },
    { type: 'pg_create_select_permission', args: { table: 'note', role: 'service', permission: { columns: ['id', 'body'], filter: {} } } },
  ];
  for (const args of permissions) expect((await g.post('/v1/metadata', args, g.adminHeaders)).status).toBe(200);
});

afterAll(async () => {
  await g?.close();
});

describe('x-hasura-use-backend-only-permissions', () => {
  it('opens the backend-only insert for any of Hasura’s true words, in any case', async () => {
    const before = await notes();
    for (const word of ['true', 'T', 'yes', 'Y']) {
      expect(dataOf(await g.graphql(insert, undefined, service(word))).insert_note, word).toEqual({ affected_rows: 1 });
    }
    expect(await notes()).toBe(before + 4);
  });

  it('leaves the insert out for a false word or no header', async () => {
    for (const word of ['false', 'F', 'no', 'n', undefined]) {
      const result = await g.graphql(insert, undefined, service(word));
      expect(errorOf(result).extensions.code, String(word)).toBe('validation-failed');
    }
  });

  it('refuses a value that is not a boolean with Hasura’s message, running nothing', async () => {
    const before = await notes();
    const result = await g.graphql(insert, undefined, service('random'));
    expect(result.status).toBe(200);
    expect(result.body).toEqual({
      errors: [
        {
          message:
            'x-hasura-use-backend-only-permissions:  Not a valid boolean text. True values are ["true","t","yes","y"] and  False values are ["false","f","no","n"]. All values are case insensitive',
          extensions: { path: '$', code: 'bad-request' },
        },
      ],
    });
    expect(await notes()).toBe(before);
  });

  it('gives nothing backend-only without the admin secret', async () => {
    const result = await g.graphql(insert, undefined, { 'x-hasura-role': 'service', 'x-hasura-use-backend-only-permissions': 'true' });
    expect(errorOf(result).extensions.code).toBe('access-denied');
  });
});
