import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMetadataFixture, resetMetadata, type MetadataFixture } from './metadata-fixture.js';

describe('legacy JSON DML on /v1/query', () => {
  let f: MetadataFixture;
  const query = (type: string, args: unknown) => f.api.handleQueryV1({ type, args });

  beforeAll(async () => {
    f = await createMetadataFixture();
    await f.sql(`
      CREATE TABLE author (id serial PRIMARY KEY, name text UNIQUE, age int, info jsonb, tags text[], born timestamptz, seen timestamp);
      CREATE TABLE article (id serial PRIMARY KEY, title text, author_id int REFERENCES author(id));`);
  });
  afterAll(async () => {
    await f.close();
  });
  beforeEach(async () => {
    await resetMetadata(f);
    await f.sql('TRUNCATE author, article RESTART IDENTITY');
    await query('bulk', [
      { type: 'track_table', args: { name: 'author' } },
      { type: 'track_table', args: { name: 'article' } },
      { type: 'create_object_relationship', args: { table: 'article', name: 'author', using: { foreign_key_constraint_on: 'author_id' } } },
      { type: 'create_array_relationship', args: { table: 'author', name: 'articles', using: { foreign_key_constraint_on: { table: 'article', column: 'author_id' } } } },
    ]);
  });

  it('inserts typed values in one statement, with defaults for missing keys, and returns the rows', async () => {
    const objects = [
      { name: 'Ann', age: 30, info: { likes: ['tea'], n: 1 }, tags: ['a', 'b "c"'], born: '2020-01-02T03:04:05Z', seen: '2021-06-07 08:09:10' },
      { name: 'Bob', info: [1, 2], tags: '{x,y}', born: null },
      { name: "O'Hara; DROP TABLE author" },
    ];
    const response = await query('insert', { table: 'author', objects, returning: ['id', 'name', 'age', 'info', 'tags', 'born', 'seen'] });
    expect(response).toEqual({
      status: 200,
      body: {
        affected_rows: 3,
        returning: [
          { id: 1, name: 'Ann', age: 30, info: { n: 1, likes: ['tea'] }, tags: ['a', 'b "c"'], born: '2020-01-02T03:04:05+00:00', seen: '2021-06-07T08:09:10' },
          { id: 2, name: 'Bob', age: null, info: [1, 2], tags: ['x', 'y'], born: null, seen: null },
          { id: 3, name: "O'Hara; DROP TABLE author", age: null, info: null, tags: null, born: null, seen: null },
        ],
      },
    });
  });

  it('answers affected_rows only without returning, and 0 for no objects', async () => {
    expect((await query('insert', { table: 'author', objects: [{ name: 'A' }] })).body).toEqual({ affected_rows: 1 });
    expect((await query('insert', { table: 'author', objects: [] })).body).toEqual({ affected_rows: 0 });
  });

  it('maps constraint violations to Hasura codes and rolls the statement back', async () => {
    const response = await query('insert', { table: 'author', objects: [{ name: 'A' }, { name: 'A' }] });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ code: 'constraint-violation', error: expect.stringContaining('Uniqueness violation. ') });
    expect((await query('count', { table: 'author' })).body).toEqual({ count: 0 });
    expect((await query('insert', { table: 'author', objects: [{ age: 'old' }] })).body).toMatchObject({ code: 'data-exception' });
  });

  it('refuses unknown columns and untracked tables', async () => {
    expect((await query('insert', { table: 'author', objects: [{ ghost: 1 }] })).body).toMatchObject({ code: 'not-exists' });
    await f.api.handleMetadata({ type: 'pg_untrack_table', args: { table: 'article', cascade: true } });
    expect((await query('select', { table: 'article', columns: ['id'] })).body).toMatchObject({ code: 'not-exists', error: 'table "article" does not exist' });
  });

  it('selects columns and follows object and array relationships', async () => {
    await query('insert', { table: 'author', objects: [{ name: 'Ann' }, { name: 'Bob' }] });
    await query('insert', { table: 'article', objects: [{ title: 'One', author_id: 1 }, { title: 'Two', author_id: 1 }, { title: 'Three', author_id: 2 }] });
    const articles = await query('select', { table: 'article', columns: ['id', 'title', { name: 'author', columns: ['id', 'name'] }], order_by: ['-id'], limit: 2 });
    expect(articles.body).toEqual([
      { id: 3, title: 'Three', author: { id: 2, name: 'Bob' } },
      { id: 2, title: 'Two', author: { id: 1, name: 'Ann' } },
    ]);
    const authors = await query('select', { table: 'author', columns: ['name', { name: 'articles', columns: ['title'], where: { title: { $ne: 'Two' } } }], where: { name: 'Ann' } });
    expect(authors.body).toEqual([{ name: 'Ann', articles: [{ title: 'One' }] }]);
  });

  it('updates, counts and deletes with equality and comparison filters', async () => {
    await query('insert', { table: 'author', objects: [{ name: 'Ann', age: 30 }, { name: 'Bob', age: 40 }, { name: 'Cid', age: 50 }] });
    expect((await query('update', { table: 'author', where: { age: { $gte: 40 } }, $set: { tags: ['old'] }, $inc: { age: 1 } })).body).toEqual({ affected_rows: 2 });
    expect((await query('count', { table: 'author', where: { $or: [{ age: 41 }, { name: { _eq: 'Ann' } }] } })).body).toEqual({ count: 2 });
    expect((await query('select', { table: 'author', columns: ['tags'], where: { name: 'Bob' } })).body).toEqual([{ tags: ['old'] }]);
    expect((await query('delete', { table: 'author', where: { name: { $in: ['Ann', 'Cid'] } } })).body).toEqual({ affected_rows: 2 });
    expect((await query('count', { table: 'author', where: {} })).body).toEqual({ count: 1 });
  });

  it('refuses unsupported operators and updates without a where', async () => {
    expect((await query('delete', { table: 'author', where: { name: { $like: 'A%' } } })).body).toMatchObject({ code: 'not-supported' });
    expect((await query('update', { table: 'author', $set: { age: 1 } })).body).toMatchObject({ code: 'parse-failed', error: 'key "where" not found' });
    expect((await query('delete', { table: 'author', where: { ghost: 1 } })).body).toMatchObject({ code: 'not-exists' });
  });

  it('is available on /v2/query too', async () => {
    expect((await f.api.handleQueryV2({ type: 'insert', args: { table: 'author', objects: [{ name: 'V2' }] } })).body).toEqual({ affected_rows: 1 });
  });
});
