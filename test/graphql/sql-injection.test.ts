/**
 * Hostile input in every position a request can put it: values (inline and as variables),
 * patterns, regexes, jsonb values and keys, json paths, aliases, awkward table and column
 * names, and session-variable headers. Every answer must be either exactly what the equivalent
 * parameterised SQL gives, or a clean GraphQL error; and the database must be untouched.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, startTestGateway, type HttpResult, type TestGateway } from '../support/test-gateway.js';

let g: TestGateway;

const hostile: readonly string[] = [
  "'; DROP TABLE artist; --",
  "O'Reilly",
  "\\'; DROP TABLE artist; --",
  '\\',
  '$1',
  '$1); DROP TABLE artist; --',
  '"; DROP TABLE artist; --',
  "%' OR '1'='1",
  "') OR true; --",
  'ünïcødé 🎸 Ω ﷽',
  'a\u0000b',
  '*/ DROP TABLE artist; /*',
  "a'); drop table x; --",
];

/** Values Postgres can store (text cannot hold NUL). */
const storable = hostile.filter((value) => !value.includes('\u0000'));

const codes = new Set(['validation-failed', 'data-exception', 'bad-request', 'parse-failed', 'not-supported']);

/** Either data, or one error in Hasura's shape with a user-facing code; never a stack trace. */
function expectClean(result: HttpResult): 'data' | 'error' {
  expect(result.status).toBe(200);
  expect(result.text).not.toMatch(/\n\s+at |\.ts:\d+|node_modules/);
  const body = result.body as { data?: unknown; errors?: { message: string; extensions: { path: string; code: string } }[] };
  if (body.errors === undefined) {
    expect(body.data).toBeTypeOf('object');
    return 'data';
  }
  expect(body.errors).toHaveLength(1);
  expect(body.errors[0]!.message).toBeTypeOf('string');
  expect(body.errors[0]!.extensions.path).toMatch(/^\$/);
  expect(codes).toContain(body.errors[0]!.extensions.code);
  return 'error';
}

/**
 * Runs a GraphQL query whose single root field is aliased `rows` and the SQL that must give the
 * same rows. When Postgres refuses the SQL (a NUL byte, a bad regex), the gateway must answer a
 * clean error instead.
 */
async function expectSameAsSql(query: string, variables: Record<string, unknown>, text: string, params: unknown[]): Promise<void> {
  const result = await g.graphql(query, variables);
  let expected: unknown[] | undefined;
  try {
    expected = (await g.db.pool.query(text, params)).rows;
  } catch {
    expected = undefined;
  }
  const outcome = expectClean(result);
  if (expected === undefined) expect(outcome).toBe('error');
  else expect(dataOf(result).rows).toEqual(expected);
}

beforeAll(async () => {
  g = await startTestGateway({ example: true });
  await g.runSql(`
    CREATE TABLE doc (id int PRIMARY KEY, data jsonb);
    CREATE TABLE "we""ird table" ("odd col" int, ok int);
    CREATE TABLE ok_table (id serial PRIMARY KEY, "select" text, "from" int);
    CREATE TABLE "x" (id int);`);
  // Hostile strings stored as data, so that equality filters have something to find.
  for (const [i, value] of storable.entries()) {
    await g.db.pool.query('INSERT INTO ok_table ("select", "from") VALUES ($1, $2)', [value, i]);
    await g.db.pool.query('INSERT INTO doc VALUES ($1, $2)', [i, JSON.stringify({ [value]: value, a: { [value]: i } })]);
  }
});

afterEach(async () => {
  const { rows } = await g.db.pool.query<{ artists: number; tables: number; docs: number }>(`SELECT
    (SELECT count(*)::int FROM artist) AS artists,
    (SELECT count(*)::int FROM pg_tables WHERE schemaname = 'public') AS tables,
    (SELECT count(*)::int FROM doc) AS docs`);
  expect(rows[0]).toEqual({ artists: 275, tables: 15, docs: storable.length });
});

afterAll(async () => {
  await g?.close();
});

describe.each(hostile.map((value) => [JSON.stringify(value), value] as const))('the value %s', (_label, value) => {
  it('is compared as a value in where, as a variable and as a literal', async () => {
    await expectSameAsSql('query ($v: String!) { rows: artist(where: {name: {_eq: $v}}) { artist_id } }', { v: value },
      'SELECT artist_id FROM artist WHERE name = $1', [value]);
    await expectSameAsSql(`{ rows: ok_table(where: {select: {_eq: ${JSON.stringify(value)}}}) { id select } }`, {},
      'SELECT id, "select" FROM ok_table WHERE "select" = $1', [value]);
    await expectSameAsSql('query ($v: [String!]!) { rows: ok_table(where: {select: {_in: $v}}, order_by: {id: asc}) { id } }', { v: [value, 'AC/DC'] },
      'SELECT id FROM ok_table WHERE "select" = ANY($1) ORDER BY id', [[value, 'AC/DC']]);
  });

  it.each([
    ['_like', 'LIKE'],
    ['_nilike', 'NOT ILIKE'],
    ['_similar', 'SIMILAR TO'],
    ['_regex', '~'],
    ['_iregex', '~*'],
  ])('is a pattern for %s, never SQL', async (operator, sqlOperator) => {
    await expectSameAsSql(`query ($v: String!) { rows: ok_table(where: {select: {${operator}: $v}}, order_by: {id: asc}) { id } }`, { v: value },
      `SELECT id FROM ok_table WHERE "select" ${sqlOperator} $1 ORDER BY id`, [value]);
    await expectSameAsSql(`{ rows: artist(where: {name: {${operator}: ${JSON.stringify(value)}}}, order_by: {artist_id: asc}) { artist_id } }`, {},
      `SELECT artist_id FROM artist WHERE name ${sqlOperator} $1 ORDER BY artist_id`, [value]);
  });

  it('is a jsonb value and key', async () => {
    await expectSameAsSql('query ($v: jsonb!) { rows: doc(where: {data: {_contains: $v}}, order_by: {id: asc}) { id } }', { v: { [value]: value } },
      'SELECT id FROM doc WHERE data @> $1::jsonb ORDER BY id', [JSON.stringify({ [value]: value })]);
    await expectSameAsSql('query ($v: String!) { rows: doc(where: {data: {_has_key: $v}}, order_by: {id: asc}) { id } }', { v: value },
      'SELECT id FROM doc WHERE data ? $1 ORDER BY id', [value]);
    await expectSameAsSql('query ($v: [String!]!) { rows: doc(where: {data: {_has_keys_any: $v}}, order_by: {id: asc}) { id } }', { v: [value, 'zz'] },
      'SELECT id FROM doc WHERE data ?| $1 ORDER BY id', [[value, 'zz']]);
    await expectSameAsSql('query ($v: String!) { rows: doc(where: {data: {_cast: {String: {_like: $v}}}}, order_by: {id: asc}) { id } }', { v: value },
      'SELECT id FROM doc WHERE data::text LIKE $1 ORDER BY id', [value]);
  });

  it('is a key in a json path', async () => {
    // Quoted keys have no escapes: pick a quote the value does not contain.
    const quote = value.includes("'") ? '"' : "'";
    if (!value.includes(quote)) {
      await expectSameAsSql('query ($p: String!) { rows: doc(order_by: {id: asc}) { id data(path: $p) } }', { p: `$.a[${quote}${value}${quote}]` },
        'SELECT id, data #> $1 AS data FROM doc ORDER BY id', [['a', value]]);
    }
    // As a whole path it is either a path of keys or a clean parse error.
    expectClean(await g.graphql('query ($p: String!) { rows: doc { data(path: $p) } }', { p: value }));
    expectClean(await g.graphql(`{ rows: doc { data(path: ${JSON.stringify(value)}) } }`));
  });

  it('is only a session variable when sent as a header', async () => {
    const headerSafe = /^[\t\x20-\x7e]*$/.test(value) && value.trim() === value;
    if (!headerSafe) return; // fetch's Headers refuses NUL and non-Latin-1 values before the gateway sees them
    const result = await g.graphql('{ rows: artist_aggregate { aggregate { count } } }', undefined, {
      'x-hasura-user-id': value,
      'x-hasura-org': value,
    });
    expect(expectClean(result)).toBe('data');
    expect(dataOf(result).rows).toEqual({ aggregate: { count: 275 } });
    // As a role it names a role with no permissions: a clean error, not SQL.
    expectClean(await g.graphql('{ artist { name } }', undefined, { 'x-hasura-role': value }));
  });
});

describe('hostile names', () => {
  it('skips a table whose name is not a valid GraphQL name, with a warning', async () => {
    const warnings = g.logs.filter((line) => line.msg === 'skipped while building the schema').map((line) => String(line.warning));
    expect(warnings.some((warning) => warning.includes('ird table') && warning.includes('not a valid GraphQL name'))).toBe(true);
    const data = dataOf(await g.graphql('{ __schema { queryType { fields { name } } } }'));
    const fields = (data.__schema as { queryType: { fields: { name: string }[] } }).queryType.fields.map((f) => f.name);
    expect(fields).toContain('ok_table');
    expect(fields.some((name) => name.includes('ird'))).toBe(false);
  });

  it('serves a table whose constraint name is not a GraphQL name, and the rest of the schema', async () => {
    try {
      await g.runSql('CREATE TABLE pk_table (id int, CONSTRAINT "pk ""weird" PRIMARY KEY (id)); INSERT INTO pk_table VALUES (1), (2);');
      expect(dataOf(await g.graphql('{ pk_table(order_by: {id: desc}) { id } pk_table_by_pk(id: 1) { id } artist_aggregate { aggregate { count } } }'))).toEqual({
        pk_table: [{ id: 2 }, { id: 1 }],
        pk_table_by_pk: { id: 1 },
        artist_aggregate: { aggregate: { count: 275 } },
      });
    } finally {
      await g.runSql('DROP TABLE IF EXISTS pk_table');
    }
  });

  it('queries, filters and orders by columns named like SQL keywords', async () => {
    await expectSameAsSql('{ rows: ok_table(where: {from: {_gte: 2}, select: {_is_null: false}}, order_by: [{select: desc}, {from: asc}]) { select from } }', {},
      'SELECT "select", "from" FROM ok_table WHERE "from" >= 2 AND "select" IS NOT NULL ORDER BY "select" DESC, "from" ASC', []);
    const data = dataOf(await g.graphql('{ ok_table_aggregate { aggregate { count(columns: [select], distinct: true) max { select from } } } }'));
    const [expected] = (await g.db.pool.query('SELECT count(DISTINCT "select")::int AS n, max("select") AS s, max("from") AS f FROM ok_table')).rows;
    expect(data.ok_table_aggregate).toEqual({ aggregate: { count: expected.n, max: { select: expected.s, from: expected.f } } });
  });

  it('uses aliases that look like the compiler\'s own SQL aliases or keywords only as response keys', async () => {
    const query = `{
      root: artist(where: {artist_id: {_eq: 1}}) { _e: name root: artist_id json_agg: albums(limit: 1, order_by: {album_id: asc}) { select: title } }
      _root: artist_by_pk(artist_id: 2) { DROP: name }
      __typename_: artist_aggregate { aggregate { count } }
      x: ok_table(where: {id: {_eq: -1}}) { id }
    }`;
    const name = async (id: number) => ((await g.db.pool.query('SELECT name FROM artist WHERE artist_id = $1', [id])).rows[0] as { name: string }).name;
    const album = (await g.db.pool.query('SELECT title FROM album WHERE artist_id = 1 ORDER BY album_id LIMIT 1')).rows[0] as { title: string };
    expect(dataOf(await g.graphql(query))).toEqual({
      root: [{ _e: await name(1), root: 1, json_agg: [{ select: album.title }] }],
      _root: { DROP: await name(2) },
      __typename_: { aggregate: { count: 275 } },
      x: [],
    });
  });

  it('treats a hostile operation name and unused variable as inert', async () => {
    const result = await g.graphql('query DROP_TABLE_artist ($x: String = "\'; DROP TABLE artist; --") { artist_aggregate { aggregate { count } } }');
    expect(dataOf(result)).toEqual({ artist_aggregate: { aggregate: { count: 275 } } });
  });

  it('refuses an invalid GraphQL name cleanly', async () => {
    expectClean(await g.graphql('{ "we""ird table" { id } }'));
    expectClean(await g.graphql('{ artist(order_by: {"name; DROP TABLE artist": asc}) { name } }'));
  });
});
