import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtin, introspectFixture, type IntrospectedFixture } from './introspected-fixture.js';

describe('introspectDatabase: relations and keys', () => {
  let fx: IntrospectedFixture;
  beforeAll(async () => {
    fx = await introspectFixture();
  });
  afterAll(async () => {
    await fx.db.drop();
  });

  it('lists user relations of every kind, leaving out partitions and internal catalogs', () => {
    const listed = [...fx.model.tables.values()].map((t) => `${t.schema}.${t.name}:${t.kind}`);
    expect(listed).toEqual([
      'Other Schema.edition:table',
      'Other Schema.odd name:table',
      'app.article:table',
      'app.article_byline:view',
      'app.article_count:materialized_view',
      'app.article_submission:view',
      'app.author:table',
      'app.author_card:view',
      'app.empty:table',
      'app.event:partitioned_table',
      'app.event_note:table',
      'app.import_row:foreign_table',
    ]);
  });

  it('reports the server version', async () => {
    const { rows } = await fx.db.pool.query<{ v: string }>("SELECT current_setting('server_version_num') AS v");
    expect(fx.model.serverVersion).toBe(Number(rows[0]!.v));
  });

  it('describes a table with its oid, comment, keys and writability', async () => {
    expect({ ...fx.table('app', 'author'), columns: [] }).toEqual({
      oid: await fx.relationOid('app.author'),
      schema: 'app',
      name: 'author',
      kind: 'table',
      comment: 'People who write',
      columns: [],
      primaryKey: { name: 'author_pkey', columns: ['id'], source: 'constraint' },
      // Not the expression index, the partial index, nor the INCLUDE column.
      uniqueConstraints: [
        { name: 'author_email_key', columns: ['email'], source: 'constraint' },
        { name: 'author_full_name', columns: ['last_name', 'first_name'], source: 'index' },
      ],
      foreignKeys: [
        { name: 'author_mentor_id_fkey', columns: ['mentor_id'], references: { schema: 'app', name: 'author' }, referencedColumns: ['id'] },
      ],
      insertable: true,
      updatable: true,
      deletable: true,
    });
  });

  it('keeps two foreign keys to the same table apart and unique columns in key order', () => {
    const article = fx.table('app', 'article');
    expect(article.foreignKeys).toEqual([
      { name: 'article_author_id_fkey', columns: ['author_id'], references: { schema: 'app', name: 'author' }, referencedColumns: ['id'] },
      { name: 'article_editor_fkey', columns: ['editor_id'], references: { schema: 'app', name: 'author' }, referencedColumns: ['id'] },
    ]);
    // The deferrable constraint cannot be an ON CONFLICT arbiter, so it is left out.
    expect(article.uniqueConstraints).toEqual([
      { name: 'article_slug_key', columns: ['slug'], source: 'constraint' },
      { name: 'article_title_author_key', columns: ['title', 'author_id'], source: 'constraint' },
    ]);
  });

  it('pairs composite foreign key columns in constraint order across schemas and odd names', () => {
    expect(fx.table('Other Schema', 'edition').primaryKey).toEqual({
      name: 'edition_pkey',
      columns: ['number', 'article_id'],
      source: 'constraint',
    });
    const odd = fx.table('Other Schema', 'odd name');
    expect(odd.primaryKey).toEqual({ name: 'odd name_pkey', columns: ['we"ird'], source: 'constraint' });
    expect(odd.foreignKeys).toEqual([
      {
        name: 'odd "fk"',
        columns: ['edition_article', 'edition_number'],
        references: { schema: 'Other Schema', name: 'edition' },
        referencedColumns: ['article_id', 'number'],
      },
    ]);
  });

  it('reports a foreign key to a partitioned table once, not once per partition', () => {
    expect(fx.table('app', 'event').primaryKey?.columns).toEqual(['id', 'happened']);
    expect(fx.table('app', 'event_note').foreignKeys).toEqual([
      {
        name: 'event_note_event_id_event_day_fkey',
        columns: ['event_id', 'event_day'],
        references: { schema: 'app', name: 'event' },
        referencedColumns: ['id', 'happened'],
      },
    ]);
  });

  it('gives a table without columns an empty column list', () => {
    expect(fx.table('app', 'empty')).toMatchObject({ columns: [], primaryKey: null, uniqueConstraints: [], foreignKeys: [] });
  });

  it('asks Postgres whether each view, materialized view and foreign table is writable', () => {
    const mutability = (schema: string, name: string) => {
      const { insertable, updatable, deletable, primaryKey, uniqueConstraints, foreignKeys } = fx.table(schema, name);
      return { insertable, updatable, deletable, keys: [primaryKey, ...uniqueConstraints, ...foreignKeys] };
    };
    const all = { insertable: true, updatable: true, deletable: true, keys: [null] };
    const none = { insertable: false, updatable: false, deletable: false, keys: [null] };
    expect(mutability('app', 'author_card')).toEqual(all);
    expect(mutability('app', 'article_byline')).toEqual(none);
    // An INSTEAD OF INSERT trigger makes a join view insertable, as Hasura counts it.
    expect(mutability('app', 'article_submission')).toEqual({ ...none, insertable: true });
    expect(mutability('app', 'article_count')).toEqual(none);
    // file_fdw is read-only.
    expect(mutability('app', 'import_row')).toEqual(none);
    expect(fx.table('app', 'article_count').comment).toBe('Refreshed nightly');
  });

  it('describes view columns and which of them an INSERT or UPDATE may set', () => {
    const card = fx.table('app', 'author_card');
    const plain = { arrayDimensions: 0, nullable: true, defaultExpression: null, identity: null, generated: false, comment: null };
    expect(card.columns).toEqual([
      { ...plain, name: 'id', position: 1, type: builtin.int4, insertable: true, updatable: true },
      { ...plain, name: 'name', position: 2, type: builtin.text, insertable: true, updatable: true },
      // An expression in an auto-updatable view is read-only.
      { ...plain, name: 'shout', position: 3, type: builtin.text, insertable: false, updatable: false },
    ]);
    const submission = fx.table('app', 'article_submission').columns;
    expect(submission.map((c) => [c.name, c.insertable, c.updatable])).toEqual([
      ['title', true, false],
      ['author_name', true, false],
    ]);
  });
});
