/**
 * How mutations meet the database (reference §6): all root fields of a request run in order in
 * one transaction that a failure rolls back whole; session variables reach triggers through
 * `hasura.user`; very large inserts; hostile strings in every mutation position; the transports
 * (GET, batches). The database is compared with itself before and after, by SQL.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dataOf, errorOf, startTestGateway, type TestGateway } from '../support/test-gateway.js';

let g: TestGateway;

const schemaSql = `
  CREATE TABLE t (id int PRIMARY KEY, label text NOT NULL, data jsonb, qty int NOT NULL DEFAULT 0);
  CREATE TABLE sentinel (id int PRIMARY KEY, note text NOT NULL);
  CREATE TABLE bulk (id int PRIMARY KEY, label text NOT NULL);
  CREATE TABLE audit (id serial PRIMARY KEY, op text NOT NULL, who jsonb, tx bigint NOT NULL);`;

const seedSql = `
  TRUNCATE t, sentinel, bulk, audit RESTART IDENTITY;
  INSERT INTO t VALUES (1, 'a', '{"k": 1, "a": {"b": 1}, "a,b": 2}', 1), (2, 'b', NULL, 2);
  INSERT INTO sentinel VALUES (1, 'must survive'), (2, 'me too');
  TRUNCATE audit RESTART IDENTITY;`;

async function rows<T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
  return (await g.db.pool.query(text, params)).rows as T[];
}

/** Every row of every table (the audit log included) as one text: equal means unchanged. */
async function checksum(): Promise<string> {
  const [{ s }] = (await rows<{ s: string }>(`SELECT concat_ws('#',
    (SELECT string_agg(x::text, '|' ORDER BY x.id) FROM t x),
    (SELECT string_agg(x::text, '|' ORDER BY x.id) FROM sentinel x),
    (SELECT count(*) FROM bulk), (SELECT string_agg(x::text, '|' ORDER BY x.id) FROM audit x),
    (SELECT string_agg(table_name, ',' ORDER BY table_name) FROM information_schema.tables WHERE table_schema = 'public')) AS s`)) as [{ s: string }];
  return s;
}

beforeAll(async () => {
  g = await startTestGateway({ example: false, setupSql: schemaSql });
  // Created through run_sql like a user would; the trigger records who wrote and in which transaction.
  await g.runSql(`
    CREATE FUNCTION audit_t() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO audit (op, who, tx) VALUES (TG_OP, current_setting('hasura.user', true)::jsonb, txid_current());
      RETURN NULL;
    END $$;
    CREATE TRIGGER t_audit AFTER INSERT OR UPDATE OR DELETE ON t FOR EACH ROW EXECUTE FUNCTION audit_t();`);
});

afterAll(async () => {
  await g?.close();
});

beforeEach(async () => {
  await g.db.pool.query(seedSql);
});

describe('one transaction per request', () => {
  it('runs the root fields in order: each sees the writes of the ones before', async () => {
    const data = dataOf(await g.graphql(`mutation {
      a: insert_t_one(object: {id: 10, label: "new"}) { id }
      b: update_t(where: {id: {_eq: 10}}, _set: {label: "updated"}) { affected_rows returning { label } }
      c: delete_t(where: {label: {_eq: "updated"}}) { affected_rows returning { id } }
    }`));
    expect(data).toEqual({ a: { id: 10 }, b: { affected_rows: 1, returning: [{ label: 'updated' }] }, c: { affected_rows: 1, returning: [{ id: 10 }] } });
    expect(await rows('SELECT id FROM t ORDER BY id')).toEqual([{ id: 1 }, { id: 2 }]);
    // The trigger fired three times, all in the same transaction.
    const audit = await rows<{ op: string; tx: string }>('SELECT op, tx FROM audit ORDER BY id');
    expect(audit.map((a) => a.op)).toEqual(['INSERT', 'UPDATE', 'DELETE']);
    expect(new Set(audit.map((a) => a.tx)).size).toBe(1);
  });

  it('rolls every field back when a later one fails: errors and no data, the database as before', async () => {
    const before = await checksum();
    const result = await g.graphql(`mutation {
      insert_t(objects: [{id: 3, label: "c"}]) { affected_rows }
      update_t(where: {}, _set: {label: "z"}) { affected_rows }
      delete_t(where: {id: {_eq: 1}}) { affected_rows }
      insert_t_one(object: {id: 2, label: "duplicate"}) { id }
      later: update_t(where: {}, _inc: {qty: 1}) { affected_rows }
    }`);
    expect(result.status).toBe(200);
    expect(Object.keys(result.body as object)).toEqual(['errors']);
    expect(errorOf(result)).toMatchObject({
      message: expect.stringMatching(/^Uniqueness violation\. duplicate key value violates unique constraint "t_pkey"/),
      extensions: { code: 'constraint-violation', path: '$.selectionSet.insert_t_one.args.object' },
    });
    expect(await checksum()).toBe(before);
  });

  it('leaves no connection inside an aborted transaction after a failed mutation', async () => {
    const before = await checksum();
    for (let i = 0; i < 6; i++) {
      // More attempts than the pool has connections: a connection left inside an aborted
      // transaction would make a later request fail.
      const result = await g.graphql('mutation { a: update_t(where: {}, _inc: {qty: 1}) { affected_rows } b: insert_t_one(object: {id: 1, label: "dup"}) { id } }');
      expect(errorOf(result).extensions.code).toBe('constraint-violation');
    }
    expect(await checksum()).toBe(before);
    expect(dataOf(await g.graphql('mutation { update_t(where: {id: {_eq: 2}}, _inc: {qty: 5}) { returning { qty } } }'))).toEqual({ update_t: { returning: [{ qty: 7 }] } });
  });
});

describe('session variables', () => {
  it('are visible to triggers as hasura.user', async () => {
    const headers = { 'x-hasura-role': 'admin', 'x-hasura-user-id': '42' };
    dataOf(await g.graphql('mutation { insert_t_one(object: {id: 30, label: "who"}) { id } update_t_by_pk(pk_columns: {id: 30}, _set: {qty: 3}) { id } }', undefined, headers));
    const audit = await rows<{ op: string; who: Record<string, unknown> }>('SELECT op, who FROM audit ORDER BY id');
    expect(audit.map((a) => a.op)).toEqual(['INSERT', 'UPDATE']);
    for (const { who } of audit) {
      expect(who).toBeTypeOf('object');
      expect(who).toMatchObject({ 'x-hasura-role': 'admin', 'x-hasura-user-id': '42' });
    }
  });

  it('are not left behind on the connection for the next request', async () => {
    dataOf(await g.graphql('mutation { insert_t_one(object: {id: 31, label: "x"}) { id } }', undefined, { 'x-hasura-user-id': '7' }));
    for (let i = 0; i < 6; i++) dataOf(await g.graphql(`mutation { insert_t_one(object: {id: ${40 + i}, label: "y"}) { id } }`));
    const who = await rows<{ who: Record<string, unknown> }>('SELECT who FROM audit ORDER BY id');
    expect(who[0]!.who).toMatchObject({ 'x-hasura-user-id': '7' });
    expect(who).toHaveLength(7);
    for (const row of who.slice(1)) {
      expect(row.who).toMatchObject({ 'x-hasura-role': 'admin' });
      expect(row.who).not.toHaveProperty('x-hasura-user-id');
    }
  });
});

describe('a 100,000-row insert', () => {
  it('either inserts every row or fails cleanly, and the gateway stays healthy', async () => {
    const objects = Array.from({ length: 100_000 }, (_, i) => ({ id: i + 1, label: `r${i + 1}` }));
    const started = performance.now();
    const result = await g.graphql('mutation ($o: [bulk_insert_input!]!) { insert_bulk(objects: $o) { affected_rows } }', { o: objects });
    const ms = Math.round(performance.now() - started);
    const body = result.body as { data?: unknown; errors?: { message: string; extensions: { code: string } }[] };
    const [{ n, checksum: sum }] = (await rows<{ n: number; checksum: string }>("SELECT count(*)::int AS n, md5(string_agg(id || ':' || label, ',' ORDER BY id)) AS checksum FROM bulk")) as [{ n: number; checksum: string }];
    if (body.data !== undefined) {
      console.log(`100,000-row insert: inserted in ${ms} ms`);
      expect(body).toEqual({ data: { insert_bulk: { affected_rows: 100_000 } } });
      expect(n).toBe(100_000);
      const expected = (await rows<{ s: string }>("SELECT md5(string_agg(i || ':r' || i, ',' ORDER BY i)) AS s FROM generate_series(1, 100000) i"))[0]!.s;
      expect(sum).toBe(expected);
    } else {
      console.log(`100,000-row insert: refused after ${ms} ms: ${JSON.stringify(body.errors)}`);
      expect(body.errors?.[0]?.message).toMatch(/\S/);
      expect(body.errors?.[0]?.extensions.code).not.toBe('unexpected');
      expect(n).toBe(0);
    }
    const health = await g.request('/healthz');
    expect([health.status, health.text]).toEqual([200, 'OK']);
    expect(dataOf(await g.graphql('{ t(order_by: {id: asc}) { id label } }'))).toEqual({ t: await rows('SELECT id, label FROM t ORDER BY id') });
  });
});

describe('SQL-looking strings', () => {
  const hostile = [`x'); DROP TABLE sentinel; --`, `'; DELETE FROM t; --`, `"; TRUNCATE t; --`, `$$; DROP TABLE t; $$`, `\\'; SELECT pg_sleep(5); --`];

  it('are stored verbatim as values and jsonb, and change nothing else', async () => {
    const before = await rows('SELECT * FROM t ORDER BY id');
    const literal = JSON.stringify(hostile[0]);
    const data = dataOf(await g.graphql(
      `mutation ($objects: [t_insert_input!]!) {
        lit: insert_t_one(object: {id: 100, label: ${literal}, data: {k: ${JSON.stringify(hostile[1])}}}) { id label data }
        vars: insert_t(objects: $objects) { affected_rows }
      }`,
      { objects: hostile.map((h, i) => ({ id: 101 + i, label: h, data: { [h]: h, nested: [h] } })) },
    ));
    expect(data.lit).toEqual({ id: 100, label: hostile[0], data: { k: hostile[1] } });
    expect(data.vars).toEqual({ affected_rows: hostile.length });
    const stored = await rows<{ id: number; label: string; data: unknown }>('SELECT id, label, data FROM t WHERE id >= 100 ORDER BY id');
    expect(stored).toEqual([
      { id: 100, label: hostile[0], data: { k: hostile[1] } },
      ...hostile.map((h, i) => ({ id: 101 + i, label: h, data: { [h]: h, nested: [h] } })),
    ]);
    expect(await rows('SELECT * FROM t WHERE id < 100 ORDER BY id')).toEqual(before);
    expect(await rows('SELECT id, note FROM sentinel ORDER BY id')).toEqual([{ id: 1, note: 'must survive' }, { id: 2, note: 'me too' }]);
  });

  it('are keys to _delete_key and path elements to _delete_at_path, never SQL', async () => {
    await g.db.pool.query('UPDATE t SET data = $1 WHERE id = 2', [{ [hostile[1]!]: 1, "a'}": 2, 'a,b': 3, a: { b: 4 }, keep: 5 }]);
    await g.db.pool.query('TRUNCATE audit RESTART IDENTITY');
    const before = await checksum();
    // Keys that do not exist: nothing changes.
    for (const key of hostile) {
      dataOf(await g.graphql('mutation ($k: String!) { update_t(where: {id: {_eq: 2}}, _delete_key: {data: $k}) { affected_rows } }', { k: `${key}x` }));
      dataOf(await g.graphql('mutation ($p: [String!]!) { update_t(where: {id: {_eq: 2}}, _delete_at_path: {data: $p}) { affected_rows } }', { p: [key, 'x'] }));
    }
    // The trigger logs each no-op UPDATE; everything else is as before.
    await g.db.pool.query('TRUNCATE audit RESTART IDENTITY');
    expect(await checksum()).toBe(before);
    const afterMisses = await rows('SELECT id, data FROM t ORDER BY id');
    // Keys that exist: exactly that key goes. `a,b` and `a'}` would become other paths if the
    // path were spliced into a '{…}' literal.
    dataOf(await g.graphql('mutation ($k: String!) { update_t(where: {id: {_eq: 2}}, _delete_key: {data: $k}) { affected_rows } }', { k: hostile[1] }));
    dataOf(await g.graphql('mutation { update_t(where: {id: {_eq: 2}}, _delete_at_path: {data: ["a,b"]}) { affected_rows } }'));
    dataOf(await g.graphql(`mutation { update_t(where: {id: {_eq: 2}}, _delete_at_path: {data: ["a'}"]}) { affected_rows } }`));
    expect((await rows('SELECT data FROM t WHERE id = 2'))[0]).toEqual({ data: { a: { b: 4 }, keep: 5 } });
    expect(await rows('SELECT id, data FROM t WHERE id <> 2 ORDER BY id')).toEqual(afterMisses.filter((r) => (r as { id: number }).id !== 2));
    expect(await rows('SELECT id, note FROM sentinel ORDER BY id')).toEqual([{ id: 1, note: 'must survive' }, { id: 2, note: 'me too' }]);
  });

  it('are compared, never run, in on_conflict where and in update/delete where', async () => {
    const before = await checksum();
    const data = dataOf(await g.graphql(`mutation ($evil: String!) {
      up: insert_t(objects: [{id: 1, label: "new"}], on_conflict: {constraint: t_pkey, update_columns: [label], where: {label: {_eq: $evil}}}) { affected_rows }
      upd: update_t(where: {label: {_eq: $evil}}, _set: {label: "hacked"}) { affected_rows }
      del: delete_t(where: {_or: [{label: {_eq: $evil}}, {label: {_like: $evil}}]}) { affected_rows }
    }`, { evil: "a' OR '1'='1" }));
    expect(data).toEqual({ up: { affected_rows: 0 }, upd: { affected_rows: 0 }, del: { affected_rows: 0 } });
    expect(await checksum()).toBe(before);
  });
});

describe('transports', () => {
  it('refuses a mutation sent with GET and writes nothing', async () => {
    const before = await checksum();
    const query = 'mutation { insert_t_one(object: {id: 77, label: "via GET"}) { id } }';
    const result = await g.request(`/v1/graphql?query=${encodeURIComponent(query)}`);
    expect(result.status).toBe(200);
    expect(Object.keys(result.body as object)).toEqual(['errors']);
    expect(errorOf(result)).toMatchObject({ message: expect.stringMatching(/POST/), extensions: { path: '$' } });
    expect(await checksum()).toBe(before);
  });

  it('answers a batch [mutation, query] with one result each, the mutation committed', async () => {
    const result = await g.post('/v1/graphql', [
      { query: 'mutation ($id: Int!) { insert_t_one(object: {id: $id, label: "batched"}) { id label } }', variables: { id: 300 } },
      { query: '{ t_by_pk(id: 1) { id label } }' },
    ]);
    expect(result.status).toBe(200);
    expect(result.body).toEqual([
      { data: { insert_t_one: { id: 300, label: 'batched' } } },
      { data: { t_by_pk: (await rows('SELECT id, label FROM t WHERE id = 1'))[0] } },
    ]);
    expect(await rows('SELECT id, label FROM t WHERE id = 300')).toEqual([{ id: 300, label: 'batched' }]);
  });

  it('answers a batch [mutation, query] with both results, the query seeing the mutation', async () => {
    // Several rounds: a batch whose members ran concurrently could pass once by luck.
    for (let round = 0; round < 5; round++) {
      const id = 200 + round;
      const result = await g.post('/v1/graphql', [
        { query: 'mutation ($id: Int!) { insert_t_one(object: {id: $id, label: "batched"}) { id } }', variables: { id } },
        { query: 'query ($id: Int!) { t_by_pk(id: $id) { id label } t_aggregate { aggregate { count } } }', variables: { id } },
      ]);
      expect(result.status).toBe(200);
      const [{ n }] = (await rows<{ n: number }>('SELECT count(*)::int AS n FROM t')) as [{ n: number }];
      expect(result.body).toEqual([
        { data: { insert_t_one: { id } } },
        { data: { t_by_pk: { id, label: 'batched' }, t_aggregate: { aggregate: { count: n } } } },
      ]);
    }
  });
});
