import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMetadataFixture, resetMetadata, type MetadataFixture } from './metadata-fixture.js';

describe('relationship operations', () => {
  let f: MetadataFixture;
  const meta = (type: string, args: unknown) => f.api.handleMetadata({ type, args });
  const table = async (name: string) => (await f.store.load()).metadata.sources[0]!.tables.find((t) => t.table.name === name);

  beforeAll(async () => {
    f = await createMetadataFixture();
    await f.sql(`
      CREATE TABLE author (id serial PRIMARY KEY, name text);
      CREATE TABLE article (id serial PRIMARY KEY, title text, author_id int REFERENCES author(id), published_on timestamp);
      CREATE TABLE edition (isbn text, lang text, PRIMARY KEY (isbn, lang));
      CREATE TABLE review (id serial PRIMARY KEY, isbn text, lang text, FOREIGN KEY (isbn, lang) REFERENCES edition (isbn, lang));
      CREATE VIEW author_view AS SELECT * FROM author;`);
  });
  afterAll(async () => {
    await f.close();
  });
  beforeEach(async () => {
    await resetMetadata(f);
    for (const t of ['author', 'article', 'edition', 'review', 'author_view']) await meta('pg_track_table', { table: t });
  });

  it('creates an object relationship on an FK column and an array relationship through the other table\'s FK', async () => {
    const objectRel = { table: 'article', name: 'author', using: { foreign_key_constraint_on: 'author_id' } };
    expect(await meta('pg_create_object_relationship', objectRel)).toEqual({ status: 200, body: { message: 'success' } });
    const arrayRel = { table: 'author', name: 'articles', using: { foreign_key_constraint_on: { table: 'article', column: 'author_id' } }, comment: 'All' };
    expect((await meta('pg_create_array_relationship', arrayRel)).status).toBe(200);
    expect((await table('article'))!.object_relationships).toEqual([{ name: 'author', using: { foreign_key_constraint_on: 'author_id' } }]);
    expect((await table('author'))!.array_relationships).toEqual([{ name: 'articles', using: arrayRel.using, comment: 'All' }]);
  });

  it('accepts composite foreign keys in every form', async () => {
    const forward = { table: 'review', name: 'edition', using: { foreign_key_constraint_on: ['lang', 'isbn'] } };
    expect((await meta('pg_create_object_relationship', forward)).status).toBe(200);
    const back = { table: 'edition', name: 'reviews', using: { foreign_key_constraint_on: { table: { schema: 'public', name: 'review' }, columns: ['isbn', 'lang'] } } };
    expect((await meta('pg_create_array_relationship', back)).status).toBe(200);
  });

  it('accepts a manual configuration between views and tables', async () => {
    const manual = { table: 'author_view', name: 'articles', using: { manual_configuration: { remote_table: 'article', column_mapping: { id: 'author_id' } } } };
    expect((await meta('pg_create_array_relationship', manual)).status).toBe(200);
  });

  it('refuses a relationship on a column without FK with invalid-configuration and the inconsistent object', async () => {
    const response = await f.api.handleQueryV1({
      type: 'create_object_relationship',
      args: { table: 'article', name: 'author', using: { foreign_key_constraint_on: 'published_on' } },
    });
    const reason = 'Inconsistent object: in table "article": in relationship "author": no foreign constraint exists on the given column(s)';
    expect(response).toEqual({
      status: 400,
      body: {
        path: '$.args',
        error: reason,
        code: 'invalid-configuration',
        internal: [
          {
            definition: { using: { foreign_key_constraint_on: 'published_on' }, name: 'author', source: 'default', comment: null, table: { schema: 'public', name: 'article' } },
            reason,
            name: 'object_relation author in table article in source default',
            type: 'object_relation',
          },
        ],
      },
    });
    expect((await table('article'))!.object_relationships).toBeUndefined();
  });

  it('refuses manual mappings to missing columns or untracked tables', async () => {
    const badColumn = { table: 'author', name: 'x', using: { manual_configuration: { remote_table: 'article', column_mapping: { id: 'nope' } } } };
    expect((await meta('pg_create_array_relationship', badColumn)).body).toMatchObject({ code: 'invalid-configuration' });
    await meta('pg_untrack_table', { table: 'edition', cascade: true });
    const untracked = { table: 'review', name: 'edition', using: { foreign_key_constraint_on: ['isbn', 'lang'] } };
    expect((await meta('pg_create_object_relationship', untracked)).body).toMatchObject({ error: expect.stringContaining('table "edition" is not tracked') });
  });

  it('refuses a name that clashes with a column or another relationship with already-exists', async () => {
    const clash = { table: 'article', name: 'title', using: { foreign_key_constraint_on: 'author_id' } };
    expect((await meta('pg_create_object_relationship', clash)).body).toMatchObject({ code: 'already-exists' });
    await meta('pg_create_object_relationship', { ...clash, name: 'author' });
    expect((await meta('pg_create_object_relationship', { ...clash, name: 'author' })).body).toMatchObject({ code: 'already-exists' });
  });

  it('refuses relationships on untracked tables and malformed using', async () => {
    await meta('pg_untrack_table', { table: 'article' });
    expect((await meta('pg_create_object_relationship', { table: 'article', name: 'a', using: { foreign_key_constraint_on: 'author_id' } })).body).toMatchObject({ code: 'not-exists' });
    expect((await meta('pg_create_object_relationship', { table: 'author', name: 'a', using: { something: 1 } })).body).toMatchObject({ code: 'parse-failed', path: '$.args.using' });
  });

  it('renames and drops relationships', async () => {
    await meta('pg_create_object_relationship', { table: 'article', name: 'author', using: { foreign_key_constraint_on: 'author_id' } });
    expect((await meta('pg_rename_relationship', { table: 'article', name: 'author', new_name: 'writer' })).status).toBe(200);
    expect((await table('article'))!.object_relationships![0]!.name).toBe('writer');
    expect((await meta('pg_rename_relationship', { table: 'article', name: 'writer', new_name: 'title' })).body).toMatchObject({ code: 'already-exists' });
    expect((await meta('pg_drop_relationship', { table: 'article', relationship: 'writer' })).status).toBe(200);
    expect((await table('article'))!.object_relationships).toBeUndefined();
    expect((await meta('pg_drop_relationship', { table: 'article', relationship: 'writer' })).body).toMatchObject({ code: 'not-exists' });
  });
});
