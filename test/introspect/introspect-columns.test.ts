import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ColumnInfo, PgType } from '../../schema/model/database-model.js';
import { builtin, introspectFixture, type IntrospectedFixture } from './introspected-fixture.js';

const plain = {
  arrayDimensions: 0,
  nullable: true,
  defaultExpression: null,
  identity: null,
  generated: false,
  comment: null,
  insertable: true,
  updatable: true,
} satisfies Partial<ColumnInfo>;

describe('introspectDatabase: columns and types', () => {
  let fx: IntrospectedFixture;
  beforeAll(async () => {
    fx = await introspectFixture();
  });
  afterAll(async () => {
    await fx.db.drop();
  });

  it('describes every column of a table in attnum order with its full type', async () => {
    const email: PgType = {
      oid: await fx.oidOf('app.email'), schema: 'app', name: 'email', kind: 'domain', category: 'S',
      displayName: 'app.email', elementType: builtin.text,
    };
    const varchar3: PgType = {
      oid: 1043, schema: 'pg_catalog', name: 'varchar', kind: 'base', category: 'S', displayName: 'character varying(3)',
    };
    const type = (name: string, kind: PgType['kind'], category: string, extra: Partial<PgType> = {}) =>
      fx.oidOf(`app.${name}`).then((oid): PgType => ({ oid, schema: 'app', name, kind, category, displayName: `app.${name}`, ...extra }));
    const arrayOf = (oid: number, name: string, elementType: PgType): PgType =>
      ({ oid, schema: 'pg_catalog', name, kind: 'array', category: 'A', displayName: `${elementType.displayName}[]`, elementType });

    expect(fx.table('app', 'author').columns).toEqual([
      { ...plain, name: 'id', position: 1, type: builtin.int4, nullable: false, identity: 'always',
        defaultExpression: "nextval('app.author_id_seq'::regclass)", insertable: false, updatable: false },
      { ...plain, name: 'name', position: 2, type: builtin.text, nullable: false, comment: 'Shown on the byline' },
      { ...plain, name: 'email', position: 3, type: await type('work_email', 'domain', 'S', { elementType: email }) },
      { ...plain, name: 'mood', position: 4, type: await type('mood', 'enum', 'E', { enumValues: ['sad', 'meh', 'ok', 'happy'] }) },
      { ...plain, name: 'code', position: 5, type: await type('short_code', 'domain', 'S', { elementType: varchar3 }) },
      { ...plain, name: 'scores', position: 6, type: arrayOf(1007, '_int4', builtin.int4), arrayDimensions: 1 },
      { ...plain, name: 'matrix', position: 7, type: arrayOf(1009, '_text', builtin.text), arrayDimensions: 2,
        defaultExpression: "'{}'::text[]" },
      { ...plain, name: 'mentor_id', position: 8, type: builtin.int4 },
      { ...plain, name: 'first_name', position: 9, type: builtin.text },
      { ...plain, name: 'last_name', position: 10, type: builtin.text },
      { ...plain, name: 'full_name', position: 11, type: builtin.text, generated: true, insertable: false, updatable: false },
      { ...plain, name: 'location', position: 12, type: await type('point3', 'composite', 'C') },
      { ...plain, name: 'active_during', position: 13,
        type: { oid: 3910, schema: 'pg_catalog', name: 'tstzrange', kind: 'range', category: 'R', displayName: 'tstzrange' } },
      { ...plain, name: 'slots', position: 14,
        type: { oid: 4451, schema: 'pg_catalog', name: 'int4multirange', kind: 'multirange', category: 'R', displayName: 'int4multirange' } },
    ]);
  });

  it('keeps attnum positions across dropped columns and reads defaults', () => {
    const article = fx.table('app', 'article').columns;
    expect(article.map((c) => [c.position, c.name, c.defaultExpression, c.identity, c.insertable])).toEqual([
      [1, 'id', "nextval('app.article_id_seq'::regclass)", 'by default', true],
      [2, 'author_id', null, null, true],
      [3, 'editor_id', null, null, true],
      [4, 'title', null, null, true],
      [5, 'slug', null, null, true],
      [6, 'published_at', 'now()', null, true],
      [8, 'views', '0', null, true],
    ]);
    expect(article[3]!.type).toEqual({
      oid: 1043, schema: 'pg_catalog', name: 'varchar', kind: 'base', category: 'S', displayName: 'character varying(160)',
    });
  });

  it('keeps names with quotes, spaces and non-ASCII letters as Postgres stores them', () => {
    const odd = fx.table('Other Schema', 'odd name').columns;
    expect(odd.map((c) => c.name)).toEqual(['we"ird', 'Ünïcode', 'edition_article', 'edition_number']);
    expect(odd[0]).toEqual({ ...plain, name: 'we"ird', position: 1, type: builtin.text, nullable: false, comment: 'quotes "inside"' });
  });

  it('shares one type object between columns of the same type and typmod', () => {
    const author = fx.table('app', 'author').columns;
    expect(author[1]!.type).toBe(author[8]!.type);
    expect(author[5]!.type.elementType).toBe(author[0]!.type);
  });

  it('describes the columns of partitioned tables, materialized views and foreign tables', () => {
    expect(fx.table('app', 'event').columns).toEqual([
      { ...plain, name: 'id', position: 1, type: builtin.int4, nullable: false },
      { ...plain, name: 'happened', position: 2, type: builtin.date, nullable: false },
    ]);
    expect(fx.table('app', 'article_count').columns).toEqual([
      { ...plain, name: 'author_id', position: 1, type: builtin.int4, insertable: false, updatable: false },
      { ...plain, name: 'n', position: 2, type: builtin.int8, insertable: false, updatable: false },
    ]);
    expect(fx.table('app', 'import_row').columns).toEqual([
      { ...plain, name: 'line', position: 1, type: builtin.text, insertable: false, updatable: false },
    ]);
  });
});
