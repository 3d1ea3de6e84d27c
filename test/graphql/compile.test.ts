/**
 * The compiler in kysely's style: build a plan through the public plan and compile functions,
 * assert the SQL text and its parameters, then run the statement on a real database.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { introspectDatabase } from '../../schema/introspect/index.js';
import { resolveSchema } from '../../schema/resolve/index.js';
import { adminAccess, buildGraphQLSchema } from '../../schema/build/index.js';
import type { Metadata } from '../../schema/metadata/metadata.js';
import { planQuery, type Variables } from '../../gateway/plan/index.js';
import { compileQuery, type CompiledQuery } from '../../gateway/compile/index.js';
import { createSqlCompiler, ident, sql } from '../../gateway/compile/sql.js';
import { bindParams } from '../../gateway/execute/bind-params.js';
import { queryRowBytes } from '../../gateway/database/index.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

let db: TestDatabase;
let schema: GraphQLSchema;

const hostileName = "x'); DROP TABLE author; --";

/** The table whose name is not a GraphQL name is tracked under a custom name, so it can be planned. */
const metadata: Metadata = {
  version: 3,
  sources: [{
    name: 'default',
    kind: 'postgres',
    tables: [
      { table: { schema: 'public', name: 'we"ird table' }, configuration: { custom_name: 'weird', column_config: { 'odd "col': { custom_name: 'odd_col' } } } },
      // Each column is exposed under the other's name.
      { table: { schema: 'public', name: 'swapped' }, configuration: { column_config: { a: { custom_name: 'b' }, b: { custom_name: 'a' } } } },
    ],
  }],
};

function compile(query: string, variables: Variables = {}): CompiledQuery {
  const operation = parse(query).definitions[0] as OperationDefinitionNode;
  const plan = planQuery(operation, { schema, fragments: new Map(), variables, stringifyNumeric: false, inlinedVariables: new Set() });
  const compiled = compileQuery(plan);
  if (!compiled) throw new Error('nothing to compile');
  return compiled;
}

/** Runs a compiled statement through the executor's read (`queryRowBytes`; on this plain pool, its pg fallback) and parses each root field's JSON text. */
async function run(compiled: CompiledQuery, variables: Variables = {}): Promise<Record<string, unknown>> {
  const values = bindParams(compiled.params, variables, {});
  const client = await db.pool.connect();
  try {
    const name = `sluice_test_${createHash('sha1').update(compiled.text).digest('hex').slice(0, 24)}`;
    const row = await queryRowBytes(client, name, compiled.text, values);
    return Object.fromEntries(compiled.sqlFields.map((field, i) => [field, JSON.parse(row[i]!.toString('utf8')) as unknown]));
  } finally {
    client.release();
  }
}

beforeAll(async () => {
  db = await createTestDatabase('sluice_compile');
  await db.pool.query(`
    CREATE TABLE author (id int PRIMARY KEY, name text);
    CREATE TABLE article (id int PRIMARY KEY, author_id int NOT NULL REFERENCES author (id), title text NOT NULL);
    CREATE TABLE "we""ird table" ("odd ""col" int CONSTRAINT weird_pkey PRIMARY KEY);
    INSERT INTO author VALUES (1, 'Ann'), (2, 'Bob'), (3, $$${hostileName}$$);
    INSERT INTO article VALUES (10, 1, 'A1'), (11, 1, 'A2'), (12, 2, 'B1');
    INSERT INTO "we""ird table" VALUES (7), (8);
    CREATE TABLE tagged ("_0" text, "_1" int PRIMARY KEY, "_2" text);
    INSERT INTO tagged VALUES ('zero', 5, 'five');
    CREATE TABLE swapped (a int PRIMARY KEY, b int NOT NULL);
    INSERT INTO swapped VALUES (1, 20), (2, 10);`);
  const model = await introspectDatabase(db.pool);
  const resolved = resolveSchema(model, metadata, { autoTrack: true, exposeSchemas: ['public'] });
  schema = buildGraphQLSchema(resolved, adminAccess(resolved));
});

afterAll(async () => {
  await db?.drop();
});

const textParam = (value: unknown, path = '$') => ({
  kind: 'param',
  source: { kind: 'constant', value },
  pgType: { schema: 'pg_catalog', name: 'text' },
  array: false,
  encoding: 'plain',
  path,
});

/** The last column of every query statement: Postgres's own time for it (compile-query.ts). */
const timingColumnSql = (index: number) => `(extract(epoch FROM clock_timestamp() - statement_timestamp()) * 1000000)::bigint::text AS "${index}"`;

describe('compileQuery', () => {
  it('compiles a simple list to one json_agg of row records over the schema-qualified table', async () => {
    const compiled = compile('{ author { id name } }');
    // Keys that are the schema's field names name the columns of a LATERAL record, and the
    // query's only list is the statement's own SELECT.
    expect(compiled.text).toBe(
      'SELECT (coalesce(json_agg("_1".*), \'[]\'::json))::json AS "0", ' +
        `${timingColumnSql(1)} ` +
        'FROM (SELECT "_0"."id", "_0"."name" FROM "public"."author" AS "_0") AS "_0" ' +
        'CROSS JOIN LATERAL (SELECT "_0"."id" AS "id", "_0"."name" AS "name") AS "_1"',
    );
    expect(compiled.timingColumn).toBe(1);
    expect(compiled.params).toEqual([]);
    expect(compiled.sqlFields).toEqual(['author']);
    const data = await run(compiled);
    const expected = (await db.pool.query('SELECT id, name FROM author')).rows;
    expect(data.author).toEqual(expect.arrayContaining(expected));
    expect(data.author).toHaveLength(expected.length);
  });

  it('selects only the columns the query around the rows reads, and every column when it needs the whole row', async () => {
    // The order key is read again outside, for json_agg's ORDER BY.
    const ordered = compile('{ author(order_by: {name: desc}) { id } }');
    expect(ordered.text).toContain('FROM (SELECT "_0"."id", "_0"."name" FROM "public"."author" AS "_0" ORDER BY');
    expect(await run(ordered)).toEqual({ author: [{ id: 3 }, { id: 2 }, { id: 1 }] });

    // An object relationship is joined on the row's key column.
    const joined = compile('{ article(order_by: {id: asc}, limit: 2) { title author { name } } }');
    expect(joined.text).toContain('FROM (SELECT "_0"."title", "_0"."author_id", "_0"."id" FROM "public"."article" AS "_0" ORDER BY');
    expect(await run(joined)).toEqual({ article: [{ title: 'A1', author: { name: 'Ann' } }, { title: 'A2', author: { name: 'Ann' } }] });

    const aggregate = compile('{ article_aggregate { aggregate { count max { id } } } }');
    expect(aggregate.text).toContain('FROM (SELECT "_0"."id" FROM "public"."article" AS "_0") AS "_0"');
    // The query's only root field: the aggregate's own SELECT is the statement.
    expect(aggregate.text.startsWith('SELECT (json_build_object(')).toBe(true);
    expect(await run(aggregate)).toEqual({ article_aggregate: { aggregate: { count: 3, max: { id: 12 } } } });

    // count(distinct: true) of no column compares whole rows: they keep every column.
    const distinct = compile('{ article_aggregate { aggregate { count(distinct: true) } } }');
    expect(distinct.text).toContain('FROM (SELECT "_0".* FROM "public"."article" AS "_0") AS "_0"');
    expect(await run(distinct)).toEqual({ article_aggregate: { aggregate: { count: 3 } } });
  });

  it('reads a record as a whole row even when a field has the name of its SQL alias', async () => {
    // The rows subquery is "_0" and holds the fields of a small page.
    const own = compile('{ tagged(limit: 5) { _0 _1 _2 } }');
    expect(own.text).toContain('"_0"."_0" AS "_0"');
    expect(await run(own)).toEqual({ tagged: [{ _0: 'zero', _1: 5, _2: 'five' }] });
    // Ordered by a column it does not select, the fields are a LATERAL record "_1".
    const lateral = compile('{ tagged(order_by: {_2: asc}, limit: 5) { _0 _1 } }');
    expect(lateral.text).toContain(') AS "_1"');
    expect(await run(lateral)).toEqual({ tagged: [{ _0: 'zero', _1: 5 }] });
  });

  it('selects the fields themselves in the rows subquery when all are columns of a small page, and orders by them there', async () => {
    const root = compile('{ author(order_by: {name: desc}, limit: 2) { __typename id name } }');
    expect(root.text).toBe(
      'SELECT (coalesce(json_agg("_0".* ORDER BY "_0"."name" DESC NULLS FIRST), \'[]\'::json))::json AS "0", ' +
        `${timingColumnSql(1)} ` +
        'FROM (SELECT ($1)::"pg_catalog"."text" AS "__typename", "_0"."id" AS "id", "_0"."name" AS "name" FROM "public"."author" AS "_0" ' +
        'ORDER BY "_0"."name" DESC NULLS FIRST LIMIT ($2)::"pg_catalog"."int4") AS "_0"',
    );
    const authors = (await db.pool.query<{ id: number; name: string }>('SELECT id, name FROM author ORDER BY name DESC LIMIT 2')).rows;
    expect(await run(root)).toEqual({ author: authors.map((author) => ({ __typename: 'author', ...author })) });

    // A nested list read per parent (it has a limit), and an object by its key.
    const nested = compile('{ author(order_by: {id: asc}, limit: 2) { id articles(order_by: {id: desc}, limit: 1) { id title } } article_by_pk(id: 12) { title } }');
    expect(nested.text).toContain('json_agg("_1".* ORDER BY "_1"."id" DESC NULLS FIRST), \'[]\'::json) FROM (SELECT "_1"."id" AS "id", "_1"."title" AS "title" FROM "public"."article"');
    expect(nested.text).toContain('(SELECT to_json("_3".*) FROM (SELECT "_3"."title" AS "title" FROM "public"."article" AS "_3" WHERE');
    expect(await run(nested)).toEqual({
      author: [{ id: 1, articles: [{ id: 11, title: 'A2' }] }, { id: 2, articles: [{ id: 12, title: 'B1' }] }],
      article_by_pk: { title: 'B1' },
    });

    // The order key's column is under another key, or its name is another column's key: the
    // fields stay a LATERAL record, and json_agg orders by the table's columns.
    const other = compile('{ swapped(order_by: {a: asc}, limit: 10) { b } }');
    expect(other.text).toContain('CROSS JOIN LATERAL');
    expect(await run(other)).toEqual({ swapped: [{ b: 2 }, { b: 1 }] });
    const both = compile('{ swapped(order_by: {a: asc}, limit: 10) { a b } }');
    expect(both.text).toContain('CROSS JOIN LATERAL');
    expect(await run(both)).toEqual({ swapped: [{ a: 10, b: 2 }, { a: 20, b: 1 }] });

    // A list that may be long reads each row more cheaply through the LATERAL record: no limit,
    // a limit over 100, or one given by a variable.
    for (const query of ['{ author { id } }', '{ author(limit: 101) { id } }', 'query ($n: Int) { author(limit: $n) { id } }']) {
      expect(compile(query, { n: 2 }).text).toContain('CROSS JOIN LATERAL');
    }
  });

  it('keeps aliases out of SQL text: a selection with one builds its objects with keys as parameters', async () => {
    const compiled = compile('{ author(order_by: {id: asc}, limit: 1) { drop_it: id name } }');
    expect(compiled.text).not.toContain('drop_it');
    expect(compiled.text).toContain('json_build_object(($1)::"pg_catalog"."text", "_0"."id", ($2)::"pg_catalog"."text", "_0"."name")');
    expect(compiled.params.slice(0, 2)).toEqual([textParam('drop_it'), textParam('name')]);
    expect(await run(compiled)).toEqual({ author: [{ drop_it: 1, name: 'Ann' }] });
  });

  it("reads an array relationship for the whole list at once, and a limited one per parent", async () => {
    const whole = compile('{ author(order_by: {id: asc}) { id articles(order_by: {id: asc}) { id } } }');
    // The authors become a CTE, numbered in order and read back as the table's columns; their
    // articles are found by one array of keys and grouped by author, then joined in.
    expect(whole.text).toContain('WITH "_1" AS (SELECT "_0".*, row_number() OVER () AS "ordinal" FROM (SELECT "_0".* FROM "public"."author" AS "_0" ORDER BY');
    expect(whole.text).toContain('FROM "_1" CROSS JOIN LATERAL (SELECT "_1"."id", "_1"."name") AS "_0" LEFT JOIN');
    expect(whole.text).toContain('WHERE "_3"."author_id" = ANY (ARRAY(SELECT "_1"."id" FROM "_1"))');
    expect(whole.text).toContain('GROUP BY "_3"."author_id") AS "_2" ON "_2"."key0" = "_0"."id"');
    expect(whole.text).toContain('json_agg("_5".* ORDER BY "_1"."ordinal")');
    expect(await run(whole)).toEqual({ author: [{ id: 1, articles: [{ id: 10 }, { id: 11 }] }, { id: 2, articles: [{ id: 12 }] }, { id: 3, articles: [] }] });

    // With a limit, each author's articles depend on that author's only: a subquery per author.
    const limited = compile('{ author(order_by: {id: asc}) { id articles(order_by: {id: desc}, limit: 1) { id } } }');
    expect(limited.text).not.toContain('WITH');
    expect(limited.text).not.toContain('GROUP BY');
    expect(limited.text).toContain('WHERE "_1"."author_id" = "_0"."id" ORDER BY "_1"."id" DESC NULLS FIRST LIMIT');
    expect(await run(limited)).toEqual({ author: [{ id: 1, articles: [{ id: 11 }] }, { id: 2, articles: [{ id: 12 }] }, { id: 3, articles: [] }] });
  });

  it('makes where values, limits and keys $n parameters, never SQL text', async () => {
    const compiled = compile(`{ author(where: {name: {_eq: ${JSON.stringify(hostileName)}}}, order_by: {id: desc}, limit: 2) { name } }`);
    expect(compiled.text).not.toContain('DROP');
    expect(compiled.text).not.toContain("'x'");
    expect(compiled.text).toContain('FROM "public"."author" AS "_0" WHERE ("_0"."name" = ($1)::"pg_catalog"."text") ORDER BY "_0"."id" DESC NULLS FIRST LIMIT ($2)::"pg_catalog"."int4"');
    expect(compiled.params).toEqual([
      textParam(hostileName, '$.selectionSet.author.args.where.name._eq'),
      { kind: 'param', source: { kind: 'constant', value: 2 }, pgType: { schema: 'pg_catalog', name: 'int4' }, array: false, encoding: 'plain', path: '$.selectionSet.author.args.limit' },
    ]);
    expect(await run(compiled)).toEqual({ author: [{ name: hostileName }] });
    expect((await db.pool.query('SELECT count(*)::int AS n FROM author')).rows).toEqual([{ n: 3 }]);
  });

  it('binds variables by reference, so one text serves every value', async () => {
    const query = 'query ($n: String!) { author(where: {name: {_eq: $n}}) { id } }';
    const ann = compile(query, { n: 'Ann' });
    const bob = compile(query, { n: 'Bob' });
    expect(bob.text).toBe(ann.text);
    expect(ann.params[0]).toMatchObject({ source: { kind: 'variable', name: 'n', path: [] } });
    expect(await run(ann, { n: 'Ann' })).toEqual({ author: [{ id: 1 }] });
    expect(await run(ann, { n: 'Bob' })).toEqual({ author: [{ id: 2 }] });
  });

  it('orders nested arrays inside json_agg and filters them by the parent key', async () => {
    const compiled = compile('{ author(order_by: {id: asc}, where: {articles: {}}) { id articles(order_by: {id: desc}, limit: 1) { title } } }');
    expect(compiled.text).toContain('FROM "public"."article" AS "_');
    expect(compiled.text).toMatch(/json_agg\(.*ORDER BY "_\d+"\."id" DESC NULLS FIRST\)/);
    expect(await run(compiled)).toEqual({ author: [{ id: 1, articles: [{ title: 'A2' }] }, { id: 2, articles: [{ title: 'B1' }] }] });
  });

  it('quotes identifiers with " and spaces by doubling the quote', async () => {
    const compiled = compile('{ weird(order_by: {odd_col: asc}) { odd_col } }');
    expect(compiled.text).toContain('FROM "public"."we""ird table" AS "_0"');
    expect(compiled.text).toContain('"_0"."odd ""col"');
    expect(await run(compiled)).toEqual({ weird: [{ odd_col: 7 }, { odd_col: 8 }] });
  });

  it('puts every SQL root field of an operation in one statement, one column each', async () => {
    const compiled = compile('{ one: author_by_pk(id: 1) { name } n: author_aggregate { aggregate { count } } __typename }');
    expect(compiled.sqlFields).toEqual(['one', 'n']);
    expect(compiled.text.match(/^SELECT /g)).toHaveLength(1);
    expect(compiled.text).toMatch(/AS "0", .* AS "1", .* AS "2"$/);
    expect(await run(compiled)).toEqual({ one: { name: 'Ann' }, n: { aggregate: { count: 3 } } });
    // The last column is Postgres's own time for the statement, in whole microseconds.
    expect(compiled.timingColumn).toBe(2);
    const row = (await db.pool.query<string[]>({ text: compiled.text, values: bindParams(compiled.params, {}, {}), rowMode: 'array' })).rows[0]!;
    expect(row[2]).toMatch(/^\d+$/);
    expect(Number(row[2])).toBeLessThan(10_000_000);
  });
});

describe('sql module', () => {
  it('quotes an identifier through one path that doubles "', () => {
    const { text, params } = createSqlCompiler().compile(sql`SELECT * FROM ${ident('public', 'we"ird table')} WHERE x = ${hostileName}`);
    expect(text).toBe('SELECT * FROM "public"."we""ird table" WHERE x = $1');
    expect(params).toEqual([hostileName]);
  });
});
