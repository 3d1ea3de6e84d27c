import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMetadataFixture, resetMetadata, type MetadataFixture } from './metadata-fixture.js';

describe('run_sql', () => {
  let f: MetadataFixture;
  const runSql = (args: Record<string, unknown>) => f.api.handleQueryV2({ type: 'run_sql', args });
  const meta = (type: string, args: unknown) => f.api.handleMetadata({ type, args });
  const tables = async () => (await f.store.load()).metadata.sources[0]!.tables;

  beforeAll(async () => {
    f = await createMetadataFixture();
  });
  afterAll(async () => {
    await f.close();
  });
  beforeEach(async () => {
    await resetMetadata(f);
    await f.sql('DROP SCHEMA IF EXISTS app CASCADE; CREATE SCHEMA app;');
  });

  it('answers TuplesOk with a header row and text values (nulls stay null) for the last statement', async () => {
    const response = await runSql({ sql: "CREATE TABLE app.t (a int, b jsonb); INSERT INTO app.t VALUES (1, '{\"x\": 1}'), (2, NULL); SELECT a, b, a > 1 AS big, now() IS NOT NULL AS n FROM app.t ORDER BY a" });
    expect(response).toEqual({
      status: 200,
      body: { result_type: 'TuplesOk', result: [['a', 'b', 'big', 'n'], ['1', '{"x": 1}', 'f', 't'], ['2', null, 't', 't']] },
    });
  });

  it('answers TuplesOk with only the header for an empty result and CommandOk for commands', async () => {
    await runSql({ sql: 'CREATE TABLE app.e (id int)' });
    expect((await runSql({ sql: 'SELECT id FROM app.e' })).body).toEqual({ result_type: 'TuplesOk', result: [['id']] });
    expect((await runSql({ sql: 'INSERT INTO app.e VALUES (1)' })).body).toEqual({ result_type: 'CommandOk', result: null });
    expect((await runSql({ sql: 'INSERT INTO app.e VALUES (2) RETURNING id' })).body).toEqual({ result_type: 'TuplesOk', result: [['id'], ['2']] });
  });

  it('reloads the gateway after SQL that can change the schema, not after read_only SQL', async () => {
    const before = f.reloads.count;
    await runSql({ sql: 'CREATE TABLE app.r (id int)' });
    expect(f.reloads.count).toBe(before + 1);
    expect((await runSql({ sql: 'SELECT count(*) FROM app.r', read_only: true })).body).toEqual({ result_type: 'TuplesOk', result: [['count'], ['0']] });
    expect(f.reloads.count).toBe(before + 1);
  });

  it('refuses writes when read_only', async () => {
    const response = await runSql({ sql: 'CREATE TABLE app.nope (id int)', read_only: true });
    expect(response.body).toMatchObject({ code: 'postgres-error', internal: { error: { status_code: '25006' } } });
  });

  it('answers postgres-error with the Postgres details and rolls the whole script back', async () => {
    const sql = 'CREATE TABLE app.half (id int); SELECT * FROM app.missing';
    expect(await runSql({ sql })).toEqual({
      status: 400,
      body: {
        path: '$.args',
        error: 'query execution failed',
        code: 'postgres-error',
        internal: {
          error: { exec_status: 'FatalError', message: 'relation "app.missing" does not exist', status_code: '42P01', description: null, hint: null },
          statement: sql,
          prepared: false,
          arguments: [],
        },
      },
    });
    expect((await runSql({ sql: "SELECT to_regclass('app.half') IS NULL AS gone" })).body).toEqual({ result_type: 'TuplesOk', result: [['gone'], ['t']] });
  });

  it('does not leak session settings of a script into the pool', async () => {
    await runSql({ sql: "SET TIME ZONE 'Asia/Tokyo'; SET default_transaction_read_only = off" });
    for (let i = 0; i < 4; i += 1) {
      const { rows } = await f.pool.query<{ tz: string; ro: string }>("SELECT current_setting('TimeZone') AS tz, current_setting('default_transaction_read_only') AS ro");
      expect(rows[0]).not.toEqual({ tz: 'Asia/Tokyo', ro: 'off' });
      expect(rows[0]!.ro).toBe('on');
    }
  });

  it('follows a rename of a tracked table into the metadata, including relationships to it', async () => {
    await runSql({ sql: 'CREATE TABLE app.author (id int PRIMARY KEY); CREATE TABLE app.article (id int, author_id int REFERENCES app.author(id))' });
    await meta('pg_track_tables', { tables: [{ table: { schema: 'app', name: 'author' } }, { table: { schema: 'app', name: 'article' } }] });
    const using = { manual_configuration: { remote_table: { schema: 'app', name: 'article' }, column_mapping: { id: 'author_id' } } };
    await meta('pg_create_array_relationship', { table: { schema: 'app', name: 'author' }, name: 'articles', using });
    expect((await runSql({ sql: 'ALTER TABLE app.article RENAME TO articles' })).status).toBe(200);
    const after = await tables();
    expect(after.map((t) => t.table.name)).toEqual(['author', 'articles']);
    expect(after[0]!.array_relationships![0]!.using).toEqual({ manual_configuration: { remote_table: { schema: 'app', name: 'articles' }, column_mapping: { id: 'author_id' } } });
    expect((await meta('get_inconsistent_metadata', {})).body).toEqual({ is_consistent: true, inconsistent_objects: [] });
  });

  it('refuses to drop a table that a relationship points at unless cascade, then removes both', async () => {
    await runSql({ sql: 'CREATE TABLE app.author (id int PRIMARY KEY); CREATE TABLE app.article (id int, author_id int REFERENCES app.author(id))' });
    await meta('pg_track_tables', { tables: [{ table: { schema: 'app', name: 'author' } }, { table: { schema: 'app', name: 'article' } }] });
    await meta('pg_create_object_relationship', { table: { schema: 'app', name: 'article' }, name: 'author', using: { foreign_key_constraint_on: 'author_id' } });
    const refused = await runSql({ sql: 'DROP TABLE app.author CASCADE' });
    expect(refused.body).toMatchObject({ code: 'dependency-error' });
    expect((await runSql({ sql: "SELECT to_regclass('app.author') IS NOT NULL AS kept" })).body).toMatchObject({ result: [['kept'], ['t']] });
    expect((await runSql({ sql: 'DROP TABLE app.author CASCADE', cascade: true })).status).toBe(200);
    expect(await tables()).toEqual([{ table: { schema: 'app', name: 'article' } }]);
  });

  it('removes dropped tables that nothing else points at', async () => {
    await runSql({ sql: 'CREATE TABLE app.lonely (id int)' });
    await meta('pg_track_table', { table: { schema: 'app', name: 'lonely' } });
    expect((await f.api.handleQueryV1({ type: 'run_sql', args: { sql: 'DROP TABLE app.lonely' } })).status).toBe(200);
    expect(await tables()).toEqual([]);
  });

  it('untracks a function that a dropped table took with it, so it can be tracked again', async () => {
    const create = `CREATE TABLE app.article (id int PRIMARY KEY, title text);
      CREATE FUNCTION app.search_articles(search text) RETURNS SETOF app.article AS $$
        SELECT * FROM app.article WHERE title ilike ('%' || search || '%')
      $$ LANGUAGE sql STABLE;`;
    await runSql({ sql: create });
    await meta('pg_track_table', { table: { schema: 'app', name: 'article' } });
    expect((await meta('pg_track_function', { function: { schema: 'app', name: 'search_articles' } })).status).toBe(200);
    expect((await runSql({ sql: 'DROP TABLE app.article CASCADE', cascade: true })).status).toBe(200);
    const source = (await f.store.load()).metadata.sources[0]!;
    expect(source).not.toHaveProperty('functions');
    expect(source.tables).toEqual([]);
    await runSql({ sql: create });
    expect((await meta('pg_track_function', { function: { schema: 'app', name: 'search_articles' } })).status).toBe(200);
  });

  it('refuses to drop the function of a computed field unless cascade, then removes the field', async () => {
    await runSql({
      sql: `CREATE TABLE app.author (id int PRIMARY KEY, name text);
        CREATE FUNCTION app.shout(a app.author) RETURNS text AS $$ SELECT upper(a.name) $$ LANGUAGE sql STABLE;`,
    });
    await meta('pg_track_table', { table: { schema: 'app', name: 'author' } });
    await meta('pg_add_computed_field', { table: { schema: 'app', name: 'author' }, name: 'loud', definition: { function: { schema: 'app', name: 'shout' } } });
    expect(await runSql({ sql: 'DROP FUNCTION app.shout' })).toEqual({
      status: 400,
      body: { path: '$.args', code: 'dependency-error', error: 'cannot drop due to the following dependent objects : computed field app.author.loud in source "default"' },
    });
    expect((await runSql({ sql: "SELECT to_regproc('app.shout') IS NOT NULL AS kept" })).body).toMatchObject({ result: [['kept'], ['t']] });
    expect((await runSql({ sql: 'DROP FUNCTION app.shout', cascade: true })).status).toBe(200);
    expect(await tables()).toEqual([{ table: { schema: 'app', name: 'author' } }]);
  });

  it('answers parse-failed without sql', async () => {
    expect((await runSql({})).body).toMatchObject({ code: 'parse-failed', error: 'key "sql" not found' });
  });
});
