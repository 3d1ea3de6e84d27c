import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMetadataFixture, resetMetadata, type MetadataFixture } from './metadata-fixture.js';

describe('computed fields', () => {
  let f: MetadataFixture;
  const v1 = (type: string, args: unknown) => f.api.handleQueryV1({ type, args });
  const add = (name: string, definition: Record<string, unknown>) => v1('add_computed_field', { table: 'author', name, definition });
  const fields = async () => (await f.store.load()).metadata.sources[0]!.tables[0] as { computed_fields?: { name: string }[] };

  beforeAll(async () => {
    f = await createMetadataFixture();
    await f.sql(`
      CREATE TABLE author (id int PRIMARY KEY, name text);
      CREATE TABLE article (id int PRIMARY KEY, author_id int, title text);
      CREATE SCHEMA "odd ""schema";
      CREATE FUNCTION fetch_articles(search text, author_row author) RETURNS SETOF article AS $$
        SELECT * FROM article WHERE author_id = author_row.id AND title ilike ('%' || search || '%')
      $$ LANGUAGE sql STABLE;
      CREATE FUNCTION test_session(author_row author, key text, session json) RETURNS text AS $$ SELECT $3->>$2 $$ LANGUAGE sql STABLE;
      CREATE FUNCTION get_articles(hasura_session json, author_row author) RETURNS SETOF article AS $$ SELECT * FROM article $$ LANGUAGE sql STABLE;
      CREATE FUNCTION "odd ""schema".shout(a author) RETURNS text AS $$ SELECT upper(a.name) $$ LANGUAGE sql IMMUTABLE;
      CREATE FUNCTION bump(a author) RETURNS int AS $$ SELECT 1 $$ LANGUAGE sql VOLATILE;
      CREATE FUNCTION twice(a author) RETURNS int AS $$ SELECT 2 $$ LANGUAGE sql STABLE;
      CREATE FUNCTION twice(a article) RETURNS int AS $$ SELECT 2 $$ LANGUAGE sql STABLE;
      CREATE FUNCTION of_article(a article) RETURNS int AS $$ SELECT 3 $$ LANGUAGE sql STABLE;
      CREATE FUNCTION of_text(t text) RETURNS int AS $$ SELECT 4 $$ LANGUAGE sql STABLE;
      CREATE FUNCTION no_args() RETURNS int AS $$ SELECT 5 $$ LANGUAGE sql STABLE;
      CREATE FUNCTION bad_session(a author, session text) RETURNS text AS $$ SELECT session $$ LANGUAGE sql STABLE;`);
  });
  afterAll(async () => {
    await f.close();
  });
  beforeEach(async () => {
    await resetMetadata(f);
    await v1('track_table', { schema: 'public', name: 'author' });
  });

  it('adds fields whose functions take the table row (named, first, or beside a session argument)', async () => {
    expect(await add('get_articles', { function: 'fetch_articles', table_argument: 'author_row' })).toEqual({ status: 200, body: { message: 'success' } });
    expect((await add('test_session', { function: 'test_session', session_argument: 'session' })).status).toBe(200);
    expect((await add('with_session', { function: 'get_articles', session_argument: 'hasura_session' })).status).toBe(200);
    expect((await add('loud', { function: { schema: 'odd "schema', name: 'shout' } })).status).toBe(200);
    expect((await fields()).computed_fields?.map((c) => c.name)).toEqual(['get_articles', 'test_session', 'with_session', 'loud']);
  });

  it('refuses a function that does not exist with invalid-configuration and the object in internal', async () => {
    const response = await add('nope', { function: 'missing' });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({
      path: '$.args',
      code: 'invalid-configuration',
      error: 'Inconsistent object: in table "author": in computed field "nope": no such function exists: "missing"',
      internal: [{ type: 'computed_field', name: 'computed_field nope in table author in source default' }],
    });
    expect((await fields()).computed_fields).toBeUndefined();
  });

  it.each([
    [{ function: 'bump' }, 'the function "bump" is of type VOLATILE; cannot be added as a computed field'],
    [{ function: 'twice' }, 'function "twice" is overloaded. Overloaded functions are not supported'],
    [{ function: 'of_article' }, 'first argument of the function "of_article" of type "article" is not the table to which the computed field is being added'],
    [{ function: 'of_text' }, 'first argument of the function "of_text" is not COMPOSITE type'],
    [{ function: 'no_args' }, 'the function "no_args" has no input arguments'],
    [{ function: 'fetch_articles', table_argument: 'row' }, '"row" is not an input argument of the function "fetch_articles"'],
    [{ function: 'fetch_articles', table_argument: 'search' }, '"search" argument of the function "fetch_articles" is not COMPOSITE type'],
    [{ function: 'bad_session', session_argument: 'session' }, '"session" argument of the function "bad_session" is not of type JSON'],
  ])('refuses %j', async (definition, reason) => {
    expect((await add('f', definition)).body).toMatchObject({ code: 'invalid-configuration', error: `Inconsistent object: in table "author": in computed field "f": ${reason}` });
  });
});
