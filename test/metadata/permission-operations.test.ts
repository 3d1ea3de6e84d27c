import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMetadataFixture, resetMetadata, type MetadataFixture } from './metadata-fixture.js';

describe('permission, inherited role and computed field operations', () => {
  let f: MetadataFixture;
  const meta = (type: string, args: unknown) => f.api.handleMetadata({ type, args });
  const load = async () => (await f.store.load()).metadata;

  beforeAll(async () => {
    f = await createMetadataFixture();
    await f.sql(`
      CREATE TABLE author (id serial PRIMARY KEY, name text);
      CREATE TABLE article (id serial PRIMARY KEY, title text, author_id int REFERENCES author(id));
      CREATE FUNCTION author_title(a author) RETURNS text AS $$ SELECT a.name $$ LANGUAGE sql STABLE;`);
  });
  afterAll(async () => {
    await f.close();
  });
  beforeEach(async () => {
    await resetMetadata(f);
    await meta('pg_track_tables', { tables: [{ table: 'author' }, { table: 'article' }] });
    await meta('pg_create_object_relationship', { table: 'article', name: 'author', using: { foreign_key_constraint_on: 'author_id' } });
  });

  it('stores permissions of each kind and drops them', async () => {
    const select = { columns: '*', filter: { author: { id: { _eq: 'X-Hasura-User-Id' } } }, limit: 10 };
    expect(await meta('pg_create_select_permission', { table: 'article', role: 'user', permission: select, comment: 'mine' })).toEqual({ status: 200, body: { message: 'success' } });
    expect((await meta('pg_create_insert_permission', { table: 'article', role: 'user', permission: { check: {}, columns: ['title'], set: { author_id: 'X-Hasura-User-Id' } } })).status).toBe(200);
    expect((await meta('pg_create_update_permission', { table: 'article', role: 'user', permission: { columns: ['title'], filter: {}, check: null } })).status).toBe(200);
    expect((await meta('pg_create_delete_permission', { table: 'article', role: 'user', permission: { filter: { id: { _gt: 1 } } } })).status).toBe(200);
    const article = (await load()).sources[0]!.tables.find((t) => t.table.name === 'article')!;
    expect(article.select_permissions).toEqual([{ role: 'user', permission: select, comment: 'mine' }]);
    expect([article.insert_permissions, article.update_permissions, article.delete_permissions].map((p) => p?.length)).toEqual([1, 1, 1]);
    for (const kind of ['select', 'insert', 'update', 'delete']) {
      expect((await meta(`pg_drop_${kind}_permission`, { table: 'article', role: 'user' })).status).toBe(200);
    }
    expect((await load()).sources[0]!.tables.find((t) => t.table.name === 'article')!.select_permissions).toBeUndefined();
    expect((await meta('pg_drop_select_permission', { table: 'article', role: 'user' })).body).toMatchObject({ code: 'not-exists' });
  });

  it('refuses admin and duplicates with already-exists, as Hasura does', async () => {
    const args = { table: 'author', role: 'admin', permission: { columns: '*', filter: { id: 'X-Hasura-User-Id' } } };
    expect(await f.api.handleQueryV1({ type: 'create_select_permission', args })).toEqual({
      status: 400,
      body: { path: '$.args', error: 'select permission already defined on table "author" with role "admin"', code: 'already-exists' },
    });
    await meta('pg_create_select_permission', { ...args, role: 'user' });
    expect((await meta('pg_create_select_permission', { ...args, role: 'user' })).body).toMatchObject({ code: 'already-exists' });
  });

  it('refuses permissions on untracked tables, missing columns and unknown fields in filters', async () => {
    expect((await meta('pg_create_select_permission', { table: 'nope', role: 'user', permission: { columns: '*', filter: {} } })).body).toMatchObject({ code: 'not-exists' });
    const badColumn = await meta('pg_create_select_permission', { table: 'author', role: 'user', permission: { columns: ['id', 'ghost'], filter: {} } });
    expect(badColumn.body).toMatchObject({ code: 'invalid-configuration', error: expect.stringContaining('ghost') });
    const badFilter = await meta('pg_create_select_permission', { table: 'article', role: 'user', permission: { columns: '*', filter: { _or: [{ author: { ghost: { _eq: 1 } } }] } } });
    expect(badFilter.body).toMatchObject({ code: 'invalid-configuration', error: expect.stringContaining('ghost') });
  });

  it('answers parse-failed for ill-shaped permissions', async () => {
    expect((await meta('pg_create_select_permission', { table: 'author', role: 'user', permission: { filter: {} } })).body).toMatchObject({ code: 'parse-failed', path: '$.args.permission' });
    expect((await meta('pg_create_select_permission', { table: 'author', role: 'user', permission: { columns: 'id', filter: {} } })).body).toMatchObject({ code: 'parse-failed' });
    expect((await meta('pg_create_insert_permission', { table: 'author', permission: { check: {} } })).body).toMatchObject({ code: 'parse-failed', error: 'key "role" not found' });
  });

  it('adds and drops inherited roles', async () => {
    expect((await meta('add_inherited_role', { role_name: 'both', role_set: ['user', 'editor'] })).status).toBe(200);
    expect((await load()).inherited_roles).toEqual([{ role_name: 'both', role_set: ['user', 'editor'] }]);
    expect((await meta('add_inherited_role', { role_name: 'both', role_set: ['user'] })).body).toMatchObject({ code: 'already-exists' });
    expect((await meta('drop_inherited_role', { role_name: 'both' })).status).toBe(200);
    expect((await load()).inherited_roles).toBeUndefined();
    expect((await meta('drop_inherited_role', { role_name: 'both' })).body).toMatchObject({ code: 'not-exists' });
  });

  it('stores computed fields with the function name normalised, and drops them', async () => {
    const args = { table: 'author', name: 'title', definition: { function: 'author_title', table_argument: 'a' } };
    expect((await f.api.handleQueryV1({ type: 'add_computed_field', args })).status).toBe(200);
    const author = (await load()).sources[0]!.tables.find((t) => t.table.name === 'author') as { computed_fields?: unknown };
    expect(author.computed_fields).toEqual([{ name: 'title', definition: { function: { schema: 'public', name: 'author_title' }, table_argument: 'a' } }]);
    expect((await meta('pg_add_computed_field', { ...args, name: 'name' })).body).toMatchObject({ code: 'already-exists' });
    expect((await meta('pg_drop_computed_field', { table: 'author', name: 'title' })).status).toBe(200);
    expect((await meta('pg_drop_computed_field', { table: 'author', name: 'title' })).body).toMatchObject({ code: 'not-exists' });
  });
});
