import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { emptyMetadata } from '../../schema/metadata/metadata.js';
import { createMetadataFixture, resetMetadata, type MetadataFixture } from './metadata-fixture.js';

describe('replace_metadata and the inconsistency report', () => {
  let f: MetadataFixture;
  const meta = (type: string, args: unknown, extra: Record<string, unknown> = {}) => f.api.handleMetadata({ type, args, ...extra });

  beforeAll(async () => {
    f = await createMetadataFixture();
    await f.sql(`
      CREATE TABLE author (id serial PRIMARY KEY, name text);
      CREATE TABLE article (id serial PRIMARY KEY, title text, author_id int REFERENCES author(id));`);
  });
  afterAll(async () => {
    await f.close();
  });
  beforeEach(async () => {
    await resetMetadata(f);
  });

  /** The v2-era document Hasura's tests replace with: a missing table and a relationship to an untracked one. */
  const broken = {
    tables: [
      { table: 'foobar', array_relationships: [{ name: 'articles', using: { foreign_key_constraint_on: { column: 'author_id', table: 'article' } } }] },
      { table: 'article', object_relationships: [{ name: 'author', using: { foreign_key_constraint_on: 'author_id' }, comment: null }], select_permissions: [] },
      { table: 'author', select_permissions: [{ role: 'user', permission: { columns: ['id', 'ghost'], filter: {} } }] },
    ],
  };
  const expected = [
    { definition: { schema: 'public', name: 'foobar' }, reason: 'Inconsistent object: no such table/view exists in source: "foobar"', name: 'table foobar in source default', type: 'table' },
    {
      definition: { using: { foreign_key_constraint_on: 'author_id' }, name: 'author', source: 'default', comment: null, table: { schema: 'public', name: 'article' } },
      // Hasura gives this reason without the "in table …: in relationship …" context
      // (v1/metadata/replace_metadata_allow_inconsistent_inconsistent.yaml).
      reason: 'Inconsistent object: table "author" is not tracked',
      name: 'object_relation author in table article in source default',
      type: 'object_relation',
    },
    expect.objectContaining({ type: 'select_permission', name: 'select_permission user in table author in source default' }),
  ];

  it('refuses an inconsistent document, reporting every problem at once, and stores nothing', async () => {
    const withoutAuthor = { tables: [broken.tables[0], broken.tables[1], { ...broken.tables[2], table: 'author' }] };
    const response = await meta('replace_metadata', withoutAuthor);
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ code: 'invalid-configuration', path: '$.args', error: 'cannot continue due to inconsistent metadata' });
    // author is tracked here, so the relationship is fine: the table and the permission remain.
    expect((response.body as { internal: unknown[] }).internal).toEqual([expected[0], expected[2]]);
    expect((await f.store.load()).metadata).toEqual(emptyMetadata());
  });

  it('stores an inconsistent document when allowed and reports it, as does get_inconsistent_metadata', async () => {
    const partial = { tables: [broken.tables[0], broken.tables[1]] };
    const response = await meta('replace_metadata', { allow_inconsistent_metadata: true, metadata: partial }, { version: 2 });
    expect(response).toEqual({ status: 200, body: { is_consistent: false, inconsistent_objects: expected.slice(0, 2) } });
    expect(await meta('get_inconsistent_metadata', {})).toEqual(response);
    expect(await meta('reload_metadata', {})).toEqual({ status: 200, body: { message: 'success', is_consistent: false } });
    expect((await meta('drop_inconsistent_metadata', {})).status).toBe(200);
    expect((await meta('get_inconsistent_metadata', {})).body).toEqual({ is_consistent: true, inconsistent_objects: [] });
    expect((await f.store.load()).metadata.sources[0]!.tables).toEqual([{ table: { schema: 'public', name: 'article' } }]);
  });

  it('accepts a v3 document and a legacy v1 document, normalising table names', async () => {
    const v3 = { version: 3, sources: [{ name: 'default', kind: 'postgres', tables: [{ table: { schema: 'public', name: 'author' } }] }] };
    expect(await meta('replace_metadata', v3)).toEqual({ status: 200, body: { message: 'success' } });
    expect((await f.store.load()).metadata).toEqual(v3);
    const legacy = { tables: [{ table: 'author', array_relationships: [{ name: 'articles', using: { foreign_key_constraint_on: { table: 'article', column: 'author_id' } } }] }, { table: 'article' }], functions: ['search'] };
    expect((await meta('replace_metadata', legacy)).status).toBe(200);
    const { metadata } = await f.store.load();
    expect(metadata.sources[0]!.tables.map((t) => t.table)).toEqual([{ schema: 'public', name: 'author' }, { schema: 'public', name: 'article' }]);
    expect((metadata.sources[0] as unknown as { functions: unknown }).functions).toEqual([{ function: { schema: 'public', name: 'search' } }]);
  });

  it('answers the consistency report for v2 replace when inconsistency is allowed, even when consistent', async () => {
    const response = await meta('replace_metadata', { allow_inconsistent_metadata: true, metadata: { tables: [{ table: 'author' }] } }, { version: 2 });
    expect(response).toEqual({ status: 200, body: { is_consistent: true, inconsistent_objects: [] } });
  });

  it('clears the metadata to the empty document', async () => {
    await meta('pg_track_table', { table: 'author' });
    expect(await meta('clear_metadata', {})).toEqual({ status: 200, body: { message: 'success' } });
    expect((await f.store.load()).metadata).toEqual(emptyMetadata());
  });

  it('answers parse-failed for a document that is not one', async () => {
    expect((await meta('replace_metadata', { version: 3, sources: 'x' })).body).toMatchObject({ code: 'parse-failed', path: '$.args.sources' });
    expect((await meta('replace_metadata', { tables: [{ nope: 1 }] })).body).toMatchObject({ code: 'parse-failed' });
  });
});
