/**
 * How a mutation goes over the wire: BEGIN, the session setting, every root field's statement and
 * (when no permission check has to be read first) COMMIT leave in one socket write, so Postgres
 * is woken once per mutation. Whatever is sent together, a failure anywhere, the COMMIT's own
 * included, still leaves nothing written and the connection usable.
 */
import type pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dataOf, errorOf, startTestGateway, type TestGateway } from '../support/test-gateway.js';

let g: TestGateway;
const user = { 'x-hasura-role': 'user', 'x-hasura-user-id': '1' };
/** The socket writes of each pool connection since the last reset, each as the bytes it sent. */
let writes = new Map<pg.PoolClient, Buffer[]>();

beforeAll(async () => {
  g = await startTestGateway({
    example: false,
    setupSql: `
      CREATE TABLE t (id int PRIMARY KEY, label text NOT NULL);
      -- Checked at COMMIT, so only the COMMIT can report it.
      CREATE TABLE child (id int PRIMARY KEY, parent int NOT NULL REFERENCES t DEFERRABLE INITIALLY DEFERRED);`,
  });
  const permissions = [
    { type: 'pg_create_insert_permission', args: { table: 't', role: 'user', permission: { columns: ['id', 'label'], check: { id: { _gt: 0 } } } } },
    { type: 'pg_create_select_permission', args: { table: 't', role: 'user', permission: { columns: ['id', 'label'], filter: {} } } },
    { type: 'pg_create_insert_permission', args: { table: 'child', role: 'user', permission: { columns: ['id', 'parent'], check: { id: { _gt: 0 } } } } },
    { type: 'pg_create_select_permission', args: { table: 'child', role: 'user', permission: { columns: ['id'], filter: {} } } },
  ];
  for (const args of permissions) expect((await g.post('/v1/metadata', args, g.adminHeaders)).status).toBe(200);
  // Record the socket writes of every connection the gateway takes from its pool.
  const recorded = new WeakSet<pg.PoolClient>();
  g.pool.on('acquire', (client: pg.PoolClient) => {
    if (recorded.has(client)) return;
    recorded.add(client);
    const stream = (client as unknown as { connection: { stream: Record<'_write' | '_writev', (...args: unknown[]) => unknown> } }).connection.stream;
    for (const method of ['_write', '_writev'] as const) {
      const original = stream[method];
      stream[method] = function (this: unknown, ...args: unknown[]) {
        const sent = method === '_write' ? [args[0] as Buffer] : (args[0] as { chunk: Buffer }[]).map((c) => c.chunk);
        writes.set(client, [...(writes.get(client) ?? []), Buffer.concat(sent.map((chunk) => Buffer.from(chunk)))]);
        return original.apply(this, args);
      };
    }
  });
});

afterAll(async () => {
  await g?.close();
});

beforeEach(async () => {
  await g.db.pool.query('TRUNCATE t, child');
  await g.db.pool.query("INSERT INTO t VALUES (1, 'one')");
});

async function rows(text: string): Promise<unknown[]> {
  return (await g.db.pool.query(text)).rows;
}

/**
 * Sends a mutation; the writes of the connection that carried it, from the one with its BEGIN on
 * (other work, such as the schema reload after the metadata calls above, may use the pool
 * meanwhile, on this connection too once the mutation has released it).
 */
async function mutate(query: string, headers?: Record<string, string>) {
  writes = new Map();
  const result = await g.graphql(query, undefined, headers);
  const carriers = [...writes.values()].filter((sent) => sent.some((bytes) => bytes.includes('BEGIN READ WRITE')));
  expect(carriers).toHaveLength(1);
  const sent = carriers[0]!;
  return { result, sent: sent.slice(sent.findIndex((bytes) => bytes.includes('BEGIN READ WRITE'))) };
}

/** The compiled statements a write carries (named in its Bind messages, and in Parse on a connection's first use). */
function statementNames(bytes: Buffer): string[] {
  return [...new Set(bytes.toString('latin1').match(/sluice_[0-9a-f]{24}/g))];
}

describe('a mutation without a permission check', () => {
  it('is one write: BEGIN, session, both fields and COMMIT together, and it commits', async () => {
    await mutate('mutation { insert_t_one(object: {id: 5, label: "x"}) { id } delete_t(where: {id: {_eq: 5}}) { affected_rows } }');
    const { result, sent } = await mutate('mutation { insert_t_one(object: {id: 6, label: "y"}) { id } delete_t(where: {id: {_eq: 1}}) { affected_rows } }');
    expect(dataOf(result)).toEqual({ insert_t_one: { id: 6 }, delete_t: { affected_rows: 1 } });
    // The write with BEGIN carries the session setting, both statements and COMMIT.
    expect(sent[0]!.includes('sluice_set_session')).toBe(true);
    expect(statementNames(sent[0]!)).toHaveLength(2);
    expect(sent[0]!.includes('COMMIT')).toBe(true);
    expect(await rows('SELECT id, label FROM t ORDER BY id')).toEqual([{ id: 6, label: 'y' }]);
  });

  it('writes nothing when a later field fails, and leaves its connection usable', async () => {
    for (let i = 0; i < 12; i++) {
      // More attempts than the pool has connections: one left in a transaction would show.
      const { result } = await mutate(`mutation { a: insert_t_one(object: {id: ${10 + i}, label: "new"}) { id } b: insert_t_one(object: {id: 1, label: "dup"}) { id } }`);
      expect(errorOf(result)).toMatchObject({ extensions: { code: 'constraint-violation', path: '$.selectionSet.b.args.object' } });
    }
    expect(await rows('SELECT id FROM t ORDER BY id')).toEqual([{ id: 1 }]);
    expect(dataOf((await mutate('mutation { insert_t_one(object: {id: 2, label: "two"}) { id } }')).result)).toEqual({ insert_t_one: { id: 2 } });
  });

  it('reports a constraint checked at COMMIT as a client error and writes nothing', async () => {
    const { result } = await mutate('mutation { insert_t_one(object: {id: 7, label: "kept?"}) { id } insert_child_one(object: {id: 1, parent: 999}) { id } }');
    expect(errorOf(result)).toMatchObject({ message: expect.stringMatching(/^Foreign key violation/), extensions: { code: 'constraint-violation', path: '$' } });
    expect(await rows('SELECT id FROM t ORDER BY id')).toEqual([{ id: 1 }]);
    expect(await rows('SELECT id FROM child')).toEqual([]);
    expect(dataOf((await mutate('mutation { insert_child_one(object: {id: 2, parent: 1}) { id } }')).result)).toEqual({ insert_child_one: { id: 2 } });
  });
});

describe('a mutation with a permission check', () => {
  it('hears the check before it commits: COMMIT is a write of its own', async () => {
    await mutate('mutation { insert_t_one(object: {id: 20, label: "warm"}) { id } }', user);
    const { result, sent } = await mutate('mutation { insert_t_one(object: {id: 21, label: "mine"}) { id } }', user);
    expect(dataOf(result)).toEqual({ insert_t_one: { id: 21 } });
    expect(statementNames(sent[0]!)).toHaveLength(1);
    expect(sent[0]!.includes('COMMIT')).toBe(false);
    expect(sent[1]!.includes('COMMIT')).toBe(true);
  });

  it('writes nothing when a row fails the check, even one written by an earlier field', async () => {
    const { result } = await mutate('mutation { a: insert_t_one(object: {id: 30, label: "ok"}) { id } b: insert_t_one(object: {id: -1, label: "denied"}) { id } }', user);
    expect(errorOf(result).extensions.code).toBe('permission-error');
    expect(await rows('SELECT id FROM t ORDER BY id')).toEqual([{ id: 1 }]);
  });

  it('reports a constraint checked at COMMIT as a client error and writes nothing', async () => {
    const { result } = await mutate('mutation { insert_child_one(object: {id: 3, parent: 999}) { id } }', user);
    expect(errorOf(result)).toMatchObject({ message: expect.stringMatching(/^Foreign key violation/), extensions: { code: 'constraint-violation', path: '$' } });
    expect(await rows('SELECT id FROM child')).toEqual([]);
  });
});
