/**
 * Which computed fields a role gets (Hasura §8). A scalar one only when its select permission
 * lists it; one returning a table's rows whenever the role may read that table, its rows then
 * filtered by the role's permission there (Hasura derives these from the returning table's
 * permission and refuses to have them listed). A permission with no column but a computed field
 * still exposes the table.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, errorOf, startTestGateway, type TestGateway } from '../support/test-gateway.js';

let g: TestGateway;
const reader = { 'x-hasura-role': 'reader', 'x-hasura-user-id': '1' };
const stranger = { 'x-hasura-role': 'stranger' };
const nameOnly = { 'x-hasura-role': 'name_only', 'x-hasura-user-id': '1' };

beforeAll(async () => {
  g = await startTestGateway({
    example: false,
    setupSql: `
      CREATE TABLE author (id int PRIMARY KEY, first_name text NOT NULL, last_name text NOT NULL);
      CREATE TABLE article (id int PRIMARY KEY, author_id int NOT NULL REFERENCES author (id), title text NOT NULL, published boolean NOT NULL);
      INSERT INTO author VALUES (1, 'Ann', 'Lee'), (2, 'Bob', 'Ray');
      INSERT INTO article VALUES (10, 1, 'Alpha', true), (11, 1, 'Draft', false), (12, 2, 'Beta', true), (13, 2, 'Echo', true), (14, 1, 'Notes', false);
      CREATE FUNCTION author_articles(author_row author, search text) RETURNS SETOF article LANGUAGE sql STABLE AS
        $$ SELECT * FROM article WHERE author_id = author_row.id AND title ILIKE '%' || search || '%' $$;
      CREATE FUNCTION author_all_articles(author_row author) RETURNS SETOF article LANGUAGE sql STABLE AS
        $$ SELECT * FROM article WHERE author_id = author_row.id $$;
      CREATE FUNCTION author_full_name(author_row author) RETURNS text LANGUAGE sql STABLE AS
        $$ SELECT author_row.first_name || ' ' || author_row.last_name $$;`,
  });
  const steps = [
    { type: 'pg_add_computed_field', args: { table: 'author', name: 'articles_matching', definition: { function: 'author_articles', table_argument: 'author_row' } } },
    { type: 'pg_add_computed_field', args: { table: 'author', name: 'all_articles', definition: { function: 'author_all_articles' } } },
    { type: 'pg_add_computed_field', args: { table: 'author', name: 'full_name', definition: { function: 'author_full_name' } } },
    // reader: authors (no computed field listed) and published articles.
    { type: 'pg_create_select_permission', args: { table: 'author', role: 'reader', permission: { columns: ['id', 'first_name'], filter: {} } } },
    { type: 'pg_create_select_permission', args: { table: 'article', role: 'reader', permission: { columns: ['id', 'title'], filter: { published: { _eq: true } }, allow_aggregations: true } } },
    // stranger: authors only, no permission on article.
    { type: 'pg_create_select_permission', args: { table: 'author', role: 'stranger', permission: { columns: ['id'], filter: {} } } },
    // name_only: no column of author, only the scalar computed field, and only their own row.
    { type: 'pg_create_select_permission', args: { table: 'author', role: 'name_only', permission: { columns: [], computed_fields: ['full_name'], filter: { id: { _eq: 'X-Hasura-User-Id' } } } } },
  ];
  for (const args of steps) expect((await g.post('/v1/metadata', args, g.adminHeaders)).status).toBe(200);
});

afterAll(async () => {
  await g?.close();
});

describe('computed fields a role may read', () => {
  it("gives a table computed field to a role that may read the table it returns, under that table's permission", async () => {
    const result = await g.graphql('{ author(order_by: {id: asc}) { id articles_matching(args: {search: "a"}, order_by: {id: asc}) { id title } } }', undefined, reader);
    // The unpublished "Draft" matches the search but the role's article filter hides it.
    expect(dataOf(result).author).toEqual([
      { id: 1, articles_matching: [{ id: 10, title: 'Alpha' }] },
      { id: 2, articles_matching: [{ id: 12, title: 'Beta' }] },
    ]);
  });

  it('keeps a scalar computed field from a role whose permission does not list it', async () => {
    const result = await g.graphql('{ author { full_name } }', undefined, reader);
    expect(errorOf(result)).toMatchObject({ extensions: { code: 'validation-failed' }, message: "field 'full_name' not found in type: 'author'" });
  });

  it('keeps a table computed field from a role that may not read the table it returns', async () => {
    const result = await g.graphql('{ author { id articles_matching(args: {search: "a"}) { id } } }', undefined, stranger);
    expect(errorOf(result)).toMatchObject({ extensions: { code: 'validation-failed' }, message: "field 'articles_matching' not found in type: 'author'" });
  });

  it('exposes a table to a role whose permission has no column but a computed field', async () => {
    const result = await g.graphql('{ author { full_name } }', undefined, nameOnly);
    expect(dataOf(result).author).toEqual([{ full_name: 'Ann Lee' }]);
    const column = await g.graphql('{ author { id } }', undefined, nameOnly);
    expect(errorOf(column)).toMatchObject({ extensions: { code: 'validation-failed' }, message: "field 'id' not found in type: 'author'" });
  });
});

describe("ordering by an aggregate of a table computed field's rows", () => {
  it("counts the rows the function returns, under the role's filter on their table", async () => {
    // Ann has 3 articles (1 published), Bob 2 (both published).
    const admin = await g.graphql('{ author(order_by: [{all_articles_aggregate: {count: desc}}, {id: asc}]) { id } }', undefined, g.adminHeaders);
    expect(dataOf(admin).author).toEqual([{ id: 1 }, { id: 2 }]);
    const role = await g.graphql('{ author(order_by: [{all_articles_aggregate: {count: desc}}, {id: asc}]) { id } }', undefined, reader);
    expect(dataOf(role).author).toEqual([{ id: 2 }, { id: 1 }]);
    const byMax = await g.graphql('{ author(order_by: {all_articles_aggregate: {max: {id: desc}}}) { id } }', undefined, reader);
    expect(dataOf(byMax).author).toEqual([{ id: 2 }, { id: 1 }]);
  });

  it('is not offered for a computed field with arguments of its own, nor to a role that may not aggregate its table', async () => {
    const withArgs = await g.graphql('{ author(order_by: {articles_matching_aggregate: {count: desc}}) { id } }', undefined, g.adminHeaders);
    expect(errorOf(withArgs)).toMatchObject({ extensions: { code: 'validation-failed' }, message: "field 'articles_matching_aggregate' not found in type: 'author_order_by'" });
    const noAggregates = await g.graphql('{ author(order_by: {all_articles_aggregate: {count: desc}}) { id } }', undefined, stranger);
    expect(errorOf(noAggregates)).toMatchObject({ extensions: { code: 'validation-failed' }, message: "field 'all_articles_aggregate' not found in type: 'author_order_by'" });
  });
});
