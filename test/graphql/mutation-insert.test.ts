/**
 * Inserts end to end (reference §6–7): `insert_<t>` and `insert_<t>_one`, batches, upserts,
 * nested inserts through relationships, and Postgres errors in Hasura's shape. Every answer is
 * checked against the rows a direct SQL query finds on the same database.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { startStatementCountingProxy, type StatementCountingProxy } from '../support/statement-counting-proxy.js';
import { dataOf, errorOf, startTestGateway, type HttpResult, type TestGateway } from '../support/test-gateway.js';

let g: TestGateway;
let proxy: StatementCountingProxy;

// Relationships are suggested from the foreign keys (auto-track): article.author, author.articles,
// comment.article, article.comments.
const schemaSql = `
  CREATE TABLE author (
    id serial PRIMARY KEY,
    name text NOT NULL,
    email text UNIQUE,
    rating int CHECK (rating BETWEEN 0 AND 5),
    big bigint,
    uid uuid,
    born timestamptz,
    price numeric,
    tags text[],
    info jsonb
  );
  CREATE TABLE article (
    id serial PRIMARY KEY,
    author_id int NOT NULL REFERENCES author (id),
    title text NOT NULL
  );
  CREATE TABLE comment (
    id serial PRIMARY KEY,
    article_id int NOT NULL REFERENCES article (id),
    body text NOT NULL
  );
  CREATE TABLE item (id int PRIMARY KEY, label text NOT NULL, qty int NOT NULL DEFAULT 0);`;

async function rows<T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
  return (await g.db.pool.query(text, params)).rows as T[];
}

async function count(table: string): Promise<number> {
  return (await rows<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0]!.n;
}

/** Row counts of every table, to show that a failed request changed nothing. */
async function counts(): Promise<Record<string, number>> {
  return { author: await count('author'), article: await count('article'), comment: await count('comment'), item: await count('item') };
}

function expectError(result: HttpResult, expected: { code: string; path?: string; message?: string | RegExp }): void {
  expect(result.status).toBe(200);
  expect(Object.keys(result.body as object)).toEqual(['errors']);
  const error = errorOf(result);
  expect(error.extensions.code).toBe(expected.code);
  if (expected.path !== undefined) expect(error.extensions.path).toBe(expected.path);
  if (typeof expected.message === 'string') expect(error.message).toBe(expected.message);
  else if (expected.message) expect(error.message).toMatch(expected.message);
}

beforeAll(async () => {
  const server = new URL(inject('adminDatabaseUrl'));
  proxy = await startStatementCountingProxy({ host: server.hostname, port: Number(server.port || 5432) });
  g = await startTestGateway({ example: false, setupSql: schemaSql, poolUrl: (url) => proxy.route(url) });
});

afterAll(async () => {
  await g?.close();
  await proxy?.close();
});

beforeEach(async () => {
  await g.db.pool.query('TRUNCATE comment, article, author, item RESTART IDENTITY CASCADE');
  proxy.reset();
});

describe('insert_<t> and insert_<t>_one', () => {
  it('inserts rows and answers affected_rows and returning as the table has them', async () => {
    const data = dataOf(await g.graphql(`mutation {
      insert_author(objects: [{name: "Ann", email: "ann@x"}, {name: "Bob", rating: 3}]) {
        affected_rows
        returning { id name email rating }
      } }`));
    const expected = await rows('SELECT id, name, email, rating FROM author ORDER BY id');
    expect(expected).toHaveLength(2);
    expect(data.insert_author).toEqual({ affected_rows: 2, returning: expected });
  });

  it('inserts one row with insert_<t>_one and answers the row', async () => {
    const data = dataOf(await g.graphql('mutation ($o: author_insert_input!) { insert_author_one(object: $o) { id name rating } }', { o: { name: 'Cy', rating: 5 } }));
    const [row] = await rows('SELECT id, name, rating FROM author');
    expect(row).toMatchObject({ name: 'Cy', rating: 5 });
    expect(data.insert_author_one).toEqual(row);
  });

  it('answers relationships in returning', async () => {
    const [{ id: authorId }] = (await rows<{ id: number }>("INSERT INTO author (name, email) VALUES ('Eve', 'eve@x') RETURNING id")) as [{ id: number }];
    const data = dataOf(await g.graphql(`mutation ($a: Int!) {
      insert_article(objects: [{author_id: $a, title: "one"}, {author_id: $a, title: "two"}]) {
        affected_rows returning { id title author { id name email } }
      } }`, { a: authorId }));
    const expected = await rows('SELECT ar.id, ar.title, json_build_object(\'id\', au.id, \'name\', au.name, \'email\', au.email) AS author FROM article ar JOIN author au ON au.id = ar.author_id ORDER BY ar.id');
    expect(expected).toHaveLength(2);
    expect(data.insert_article).toEqual({ affected_rows: 2, returning: expected });
  });

  it('answers relationships in returning, read from the database after the insert', async () => {
    const [{ id: authorId }] = (await rows<{ id: number }>("INSERT INTO author (name) VALUES ('Dee') RETURNING id")) as [{ id: number }];
    await g.db.pool.query("INSERT INTO article (author_id, title) VALUES ($1, 'older')", [authorId]);
    const data = dataOf(await g.graphql(`mutation ($a: Int!) {
      insert_article(objects: [{author_id: $a, title: "newer"}]) {
        returning { title author { name articles(order_by: {id: asc}) { title } } }
      } }`, { a: authorId }));
    const titles = await rows<{ title: string }>('SELECT title FROM article WHERE author_id = $1 ORDER BY id', [authorId]);
    expect(titles.map((t) => t.title)).toEqual(['older', 'newer']);
    expect(data.insert_article).toEqual({ returning: [{ title: 'newer', author: { name: 'Dee', articles: titles } }] });
  });

  it('answers {affected_rows: 0, returning: []} for an empty objects list and inserts nothing', async () => {
    const data = dataOf(await g.graphql('mutation { insert_item(objects: []) { affected_rows returning { id } } }'));
    expect(data.insert_item).toEqual({ affected_rows: 0, returning: [] });
    expect(await count('item')).toBe(0);
  });
});

describe('batch insert', () => {
  it('inserts 2,000 rows given as variables in ONE statement', async () => {
    const objects = Array.from({ length: 2000 }, (_, i) => ({ id: i + 1, label: `row ${i + 1} "quoted" 'single'`, qty: i % 7 }));
    const result = await g.graphql('mutation ($objects: [item_insert_input!]!) { insert_item(objects: $objects) { affected_rows } }', { objects });
    expect(dataOf(result)).toEqual({ insert_item: { affected_rows: 2000 } });
    // The mutation runs as BEGIN, `SELECT set_config('hasura.user', …)`, the insert, COMMIT on one
    // connection. Only statements that write `item` matter here: a statement per row (or per
    // chunk) would show up as more than one. The transaction control and set_config around it
    // are not counted, so this test does not pin how the transaction is opened.
    const inserts = proxy.statements.filter((s) => /\binsert\b/i.test(s.text) && /"item"/.test(s.text));
    expect(inserts).toHaveLength(1);
    expect(proxy.statements.map((s) => s.text).filter((t) => /\bitem\b/.test(t))).toHaveLength(1);
    const stored = await rows<{ id: number; label: string; qty: number }>('SELECT id, label, qty FROM item ORDER BY id');
    expect(stored).toEqual(objects);
  });
});

describe('the transaction around a mutation', () => {
  it('sends BEGIN, the session setting, the writes of one-statement fields and COMMIT in one round trip', async () => {
    dataOf(await g.graphql('mutation { a: insert_item_one(object: {id: 1, label: "one", qty: 1}) { id } b: delete_item(where: {id: {_eq: 1}}) { affected_rows } }'));
    const begin = proxy.statements.find((s) => s.text === 'BEGIN READ WRITE');
    const session = proxy.statements.find((s) => s.text.includes("set_config('hasura.user'"));
    const insert = proxy.statements.find((s) => /\binsert\b/i.test(s.text) && /"item"/.test(s.text));
    const remove = proxy.statements.find((s) => /\bdelete\b/i.test(s.text) && /"item"/.test(s.text));
    const commit = proxy.statements.find((s) => s.text === 'COMMIT');
    expect(begin && session && insert && remove && commit).toBeTruthy();
    // Everything went out before BEGIN was answered (pg's pipeline mode), COMMIT too: admin's
    // writes have no permission check to read first (mutation-round-trips.test.ts has one that does).
    for (const statement of [session!, insert!, remove!, commit!]) expect(statement.answersBefore).toBe(begin!.answersBefore);
    expect(await count('item')).toBe(0);
  });

  it('waits for BEGIN before a field that needs statements one after another', async () => {
    // A nested insert runs a statement per row, each using the keys of the one before.
    dataOf(await g.graphql('mutation { insert_author_one(object: {name: "a", articles: {data: [{title: "t"}]}}) { id } }'));
    const begin = proxy.statements.find((s) => s.text === 'BEGIN READ WRITE');
    const session = proxy.statements.find((s) => s.text.includes("set_config('hasura.user'"));
    const author = proxy.statements.find((s) => /\binsert\b/i.test(s.text) && /"author"/.test(s.text));
    expect(begin && session && author).toBeTruthy();
    expect(session!.answersBefore).toBe(begin!.answersBefore);
    expect(author!.answersBefore).toBeGreaterThan(session!.answersBefore);
  });

  it('answers __typename between pipelined fields, and a mutation of __typename alone', async () => {
    const data = dataOf(await g.graphql('mutation { a: insert_item_one(object: {id: 7, label: "seven"}) { id } __typename b: delete_item(where: {id: {_eq: 7}}) { affected_rows } }'));
    expect(data).toEqual({ a: { id: 7 }, __typename: 'mutation_root', b: { affected_rows: 1 } });
    expect(dataOf(await g.graphql('mutation { t: __typename }'))).toEqual({ t: 'mutation_root' });
    expect(await count('item')).toBe(0);
  });

  it('reports the first failing field, not the aborted-transaction errors of the fields sent after it', async () => {
    await g.db.pool.query("INSERT INTO item (id, label) VALUES (1, 'one')");
    const result = await g.graphql('mutation { a: insert_item_one(object: {id: 1, label: "dup"}) { id } b: insert_item_one(object: {id: 2, label: "two"}) { id } }');
    expectError(result, { code: 'constraint-violation', path: '$.selectionSet.a.args.object', message: /^Uniqueness violation/ });
    expect(await rows('SELECT id, label FROM item')).toEqual([{ id: 1, label: 'one' }]);
  });
});

describe('upsert (on_conflict)', () => {
  beforeEach(async () => {
    await g.db.pool.query("INSERT INTO item (id, label, qty) VALUES (1, 'one', 1), (2, 'two', 10)");
  });

  it('updates only update_columns of a conflicting row (DO UPDATE) and inserts the others', async () => {
    const data = dataOf(await g.graphql(`mutation {
      insert_item(objects: [{id: 1, label: "ONE", qty: 100}, {id: 3, label: "three", qty: 3}],
                  on_conflict: {constraint: item_pkey, update_columns: [label]}) {
        affected_rows returning { id label qty }
      } }`));
    const stored = await rows('SELECT id, label, qty FROM item ORDER BY id');
    expect(stored).toEqual([{ id: 1, label: 'ONE', qty: 1 }, { id: 2, label: 'two', qty: 10 }, { id: 3, label: 'three', qty: 3 }]);
    const answer = data.insert_item as { affected_rows: number; returning: { id: number }[] };
    expect(answer.affected_rows).toBe(2);
    expect([...answer.returning].sort((a, b) => a.id - b.id)).toEqual([stored[0], stored[2]]);
  });

  it('skips a conflicting row with update_columns: [] (DO NOTHING); _one answers null', async () => {
    const data = dataOf(await g.graphql(`mutation {
      one: insert_item_one(object: {id: 1, label: "changed"}, on_conflict: {constraint: item_pkey, update_columns: []}) { id label }
      many: insert_item(objects: [{id: 2, label: "changed"}, {id: 4, label: "four"}], on_conflict: {constraint: item_pkey, update_columns: []}) {
        affected_rows returning { id label }
      } }`));
    expect(data.one).toBeNull();
    expect(data.many).toEqual({ affected_rows: 1, returning: [{ id: 4, label: 'four' }] });
    expect(await rows('SELECT id, label FROM item ORDER BY id')).toEqual([{ id: 1, label: 'one' }, { id: 2, label: 'two' }, { id: 4, label: 'four' }]);
  });

  it('updates only conflicting rows that match on_conflict.where', async () => {
    const data = dataOf(await g.graphql(`mutation {
      insert_item(objects: [{id: 1, label: "x1"}, {id: 2, label: "x2"}],
                  on_conflict: {constraint: item_pkey, update_columns: [label], where: {qty: {_gt: 5}}}) {
        affected_rows returning { id label }
      } }`));
    expect(data.insert_item).toEqual({ affected_rows: 1, returning: [{ id: 2, label: 'x2' }] });
    expect(await rows('SELECT id, label FROM item ORDER BY id')).toEqual([{ id: 1, label: 'one' }, { id: 2, label: 'x2' }]);
  });

  it('upserts on a unique constraint other than the key', async () => {
    await g.db.pool.query("INSERT INTO author (name, email, rating) VALUES ('Old', 'same@x', 1)");
    const data = dataOf(await g.graphql(`mutation {
      insert_author_one(object: {name: "New", email: "same@x", rating: 4}, on_conflict: {constraint: author_email_key, update_columns: [name]}) { id name rating }
    }`));
    const stored = await rows('SELECT id, name, rating FROM author');
    expect(stored).toEqual([{ id: 1, name: 'New', rating: 1 }]);
    expect(data.insert_author_one).toEqual(stored[0]);
  });

  it('refuses a constraint name the table does not have (validation-failed) and writes nothing', async () => {
    const before = await counts();
    const result = await g.graphql('mutation { insert_item(objects: [{id: 9, label: "x"}], on_conflict: {constraint: item_nope, update_columns: []}) { affected_rows } }');
    expectError(result, { code: 'validation-failed', message: /item_nope/ });
    expect(await counts()).toEqual(before);
  });
});

describe('nested inserts', () => {
  it('inserts an object relationship first and copies its key into the foreign key', async () => {
    const data = dataOf(await g.graphql(`mutation {
      insert_article_one(object: {title: "T", author: {data: {name: "Parent", rating: 2}}}) { id author_id author { id name } }
    }`));
    const [stored] = await rows<{ id: number; author_id: number; author_name: string }>('SELECT ar.id, ar.author_id, au.name AS author_name FROM article ar JOIN author au ON au.id = ar.author_id');
    expect(stored!.author_name).toBe('Parent');
    expect(data.insert_article_one).toEqual({ id: stored!.id, author_id: stored!.author_id, author: { id: stored!.author_id, name: 'Parent' } });
  });

  it('inserts array relationship children after the parent with the foreign key filled in', async () => {
    const data = dataOf(await g.graphql(`mutation {
      insert_author_one(object: {name: "Mum", articles: {data: [{title: "a"}, {title: "b"}]}}) { id articles(order_by: {title: asc}) { author_id title } }
    }`));
    const [author] = await rows<{ id: number }>("SELECT id FROM author WHERE name = 'Mum'");
    const articles = await rows('SELECT author_id, title FROM article ORDER BY title');
    expect(articles).toEqual([{ author_id: author!.id, title: 'a' }, { author_id: author!.id, title: 'b' }]);
    expect(data.insert_author_one).toEqual({ id: author!.id, articles });
  });

  it('nests array relationships three levels deep, counts every row and returns the children', async () => {
    const data = dataOf(await g.graphql(`mutation {
      insert_author(objects: [
        {name: "A1", articles: {data: [
          {title: "A1-t1", comments: {data: [{body: "c1"}, {body: "c2"}]}},
          {title: "A1-t2"}
        ]}},
        {name: "A2", articles: {data: [{title: "A2-t1", comments: {data: [{body: "c3"}]}}]}}
      ]) {
        affected_rows
        returning { name articles(order_by: {id: asc}) { title comments(order_by: {id: asc}) { body article { author { name } } } } }
      } }`));
    const total = (await count('author')) + (await count('article')) + (await count('comment'));
    expect(total).toBe(8);
    const tree = await rows<{ tree: unknown }>(`
      SELECT json_build_object('name', au.name, 'articles', (
        SELECT coalesce(json_agg(json_build_object('title', ar.title, 'comments', (
          SELECT coalesce(json_agg(json_build_object('body', c.body, 'article', json_build_object('author', json_build_object('name', au.name))) ORDER BY c.id), '[]')
          FROM comment c WHERE c.article_id = ar.id)) ORDER BY ar.id), '[]')
        FROM article ar WHERE ar.author_id = au.id)) AS tree
      FROM author au ORDER BY au.id`);
    expect(data.insert_author).toEqual({ affected_rows: total, returning: tree.map((t) => t.tree) });
  });

  it('nests object relationships three levels deep (comment → article → author)', async () => {
    const data = dataOf(await g.graphql(`mutation {
      insert_comment(objects: [{body: "deep", article: {data: {title: "mid", author: {data: {name: "top"}}}}}]) {
        affected_rows returning { body article_id article { title author_id author { name } } }
      } }`));
    const [stored] = await rows<Record<string, unknown>>(`
      SELECT c.body, c.article_id, ar.title, ar.author_id, au.name FROM comment c
      JOIN article ar ON ar.id = c.article_id JOIN author au ON au.id = ar.author_id`);
    expect(stored).toMatchObject({ body: 'deep', title: 'mid', name: 'top' });
    expect(await counts()).toEqual({ author: 1, article: 1, comment: 1, item: 0 });
    expect(data.insert_comment).toEqual({
      affected_rows: 3,
      returning: [{ body: 'deep', article_id: stored!.article_id, article: { title: 'mid', author_id: stored!.author_id, author: { name: 'top' } } }],
    });
  });

  it('mixes an object parent and array children in one row', async () => {
    const data = dataOf(await g.graphql(`mutation {
      insert_article(objects: [{title: "mixed", author: {data: {name: "P"}}, comments: {data: [{body: "x"}, {body: "y"}]}}]) {
        affected_rows returning { author { name } comments(order_by: {body: asc}) { body } }
      } }`));
    expect(data.insert_article).toEqual({ affected_rows: 4, returning: [{ author: { name: 'P' }, comments: [{ body: 'x' }, { body: 'y' }] }] });
    const [joined] = await rows<{ n: number }>("SELECT count(*)::int AS n FROM comment c JOIN article ar ON ar.id = c.article_id JOIN author au ON au.id = ar.author_id WHERE au.name = 'P' AND ar.title = 'mixed'");
    expect(joined!.n).toBe(2);
  });

  it('refuses a foreign key set by hand as well as given by an object relationship', async () => {
    await g.db.pool.query("INSERT INTO author (name) VALUES ('existing')");
    const before = await counts();
    const result = await g.graphql('mutation { insert_article(objects: [{author_id: 1, title: "t", author: {data: {name: "n"}}}]) { affected_rows } }');
    expectError(result, { code: 'validation-failed', path: '$.selectionSet.insert_article.args.objects[0].author', message: /"author_id"/ });
    expect(await counts()).toEqual(before);
  });

  it('words a foreign key set next to an object relationship as Hasura does', async () => {
    const result = await g.graphql('mutation { insert_article(objects: [{author_id: 1, title: "t", author: {data: {name: "n"}}}]) { affected_rows } }');
    expectError(result, {
      code: 'validation-failed',
      path: '$.selectionSet.insert_article.args.objects[0].author',
      message: 'cannot insert object relationship "author" as "author_id" column values are already determined',
    });
  });

  it('refuses a foreign key set by hand in array relationship children', async () => {
    await g.db.pool.query("INSERT INTO author (name) VALUES ('existing')");
    const before = await counts();
    const result = await g.graphql('mutation { insert_author(objects: [{name: "n", articles: {data: [{author_id: 1, title: "t"}]}}]) { affected_rows } }');
    expectError(result, {
      code: 'validation-failed',
      path: '$.selectionSet.insert_author.args.objects[0].articles.data[0]',
      message: 'cannot insert "author_id" columns as their values are already being determined by parent insert',
    });
    expect(await counts()).toEqual(before);
  });

  it('refuses nested data under a do-nothing upsert, at the top and inside a relationship', async () => {
    const before = await counts();
    const top = await g.graphql(`mutation { insert_author(objects: [{name: "n", articles: {data: [{title: "t"}]}}],
      on_conflict: {constraint: author_pkey, update_columns: []}) { affected_rows } }`);
    expect(errorOf(top).extensions.code).toBe('validation-failed');
    const inner = await g.graphql(`mutation { insert_author(objects: [{name: "n", articles: {
      data: [{title: "t", comments: {data: [{body: "b"}]}}], on_conflict: {constraint: article_pkey, update_columns: []}}}]) { affected_rows } }`);
    expect(errorOf(inner).extensions.code).toBe('validation-failed');
    expect(await counts()).toEqual(before);
  });
});

describe('errors', () => {
  it('refuses an unknown column with validation-failed', async () => {
    const result = await g.graphql('mutation { insert_author(objects: [{name: "n", nope: 1}]) { affected_rows } }');
    expectError(result, { code: 'validation-failed', path: '$.selectionSet.insert_author.args.objects[0].nope', message: "field 'nope' not found in type: 'author_insert_input'" });
    expect(await count('author')).toBe(0);
  });

  it('reports a unique violation at args.objects, and at args.object for _one', async () => {
    await g.db.pool.query("INSERT INTO author (name, email) VALUES ('a', 'dup@x')");
    const message = /^Uniqueness violation\. duplicate key value violates unique constraint "author_email_key"/;
    expectError(await g.graphql('mutation { insert_author(objects: [{name: "b", email: "dup@x"}]) { affected_rows } }'), {
      code: 'constraint-violation',
      path: '$.selectionSet.insert_author.args.objects',
      message,
    });
    expectError(await g.graphql('mutation { insert_author_one(object: {name: "b", email: "dup@x"}) { id } }'), {
      code: 'constraint-violation',
      path: '$.selectionSet.insert_author_one.args.object',
      message,
    });
    expect(await count('author')).toBe(1);
  });

  it('rolls back the whole batch when one row of it violates a constraint', async () => {
    await g.db.pool.query("INSERT INTO item (id, label) VALUES (5, 'five')");
    const objects = [{ id: 4, label: 'four' }, { id: 5, label: 'again' }, { id: 6, label: 'six' }];
    const result = await g.graphql('mutation ($o: [item_insert_input!]!) { insert_item(objects: $o) { affected_rows } }', { o: objects });
    expectError(result, { code: 'constraint-violation', message: /^Uniqueness violation\. .*"item_pkey"/ });
    expect(await rows('SELECT id, label FROM item')).toEqual([{ id: 5, label: 'five' }]);
  });

  it('reports a not-null violation', async () => {
    expectError(await g.graphql('mutation { insert_author(objects: [{email: "no-name@x"}]) { affected_rows } }'), {
      code: 'constraint-violation',
      path: '$.selectionSet.insert_author.args.objects',
      message: /^Not-NULL violation\. null value in column "name" of relation "author" violates not-null constraint/,
    });
    expect(await count('author')).toBe(0);
  });

  it('reports a foreign key violation', async () => {
    expectError(await g.graphql('mutation { insert_article(objects: [{author_id: 424242, title: "orphan"}]) { affected_rows } }'), {
      code: 'constraint-violation',
      path: '$.selectionSet.insert_article.args.objects',
      message: /^Foreign key violation\. insert or update on table "article" violates foreign key constraint "article_author_id_fkey"/,
    });
    expect(await count('article')).toBe(0);
  });

  it('reports a check constraint violation as permission-error', async () => {
    expectError(await g.graphql('mutation { insert_author_one(object: {name: "n", rating: 9}) { id } }'), {
      code: 'permission-error',
      path: '$.selectionSet.insert_author_one.args.object',
      message: /^Check constraint violation\. new row for relation "author" violates check constraint "author_rating_check"/,
    });
    expect(await count('author')).toBe(0);
  });

  it.each([
    ['bigint', { name: 'n', big: 'abc' }],
    ['uuid', { name: 'n', uid: 'abc' }],
    ['timestamptz', { name: 'n', born: 'not a time' }],
  ])('reports a value Postgres cannot read as %s as data-exception', async (_type, object) => {
    const result = await g.graphql('mutation ($o: [author_insert_input!]!) { insert_author(objects: $o) { affected_rows } }', { o: [object] });
    expectError(result, { code: 'data-exception', message: /invalid input syntax/ });
    expect(await count('author')).toBe(0);
  });
});

describe('column types', () => {
  const maxBigint = '9223372036854775807';

  it('round-trips jsonb, text[], timestamptz, numeric and bigint values given as variables', async () => {
    const object = {
      name: 'types',
      info: { nested: { list: [1, 'two', null, true], quote: "it's \"quoted\"" }, n: 1.5 },
      tags: ['a', 'b c', 'with,comma', '{brace}', 'quote"d'],
      born: '2024-02-29T23:59:58.123+02:00',
      price: '12345678901234567890.123456789',
      big: maxBigint,
      uid: '1b4e28ba-2fa1-11d2-883f-0016d3cca427',
    };
    const result = await g.graphql('mutation ($o: author_insert_input!) { insert_author_one(object: $o) { id info tags born big uid } }', { o: object });
    const answer = dataOf(result).insert_author_one as Record<string, unknown>;
    const [stored] = await rows<Record<string, unknown>>(
      "SELECT info, tags, to_char(born AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.MS') AS born_utc, price::text AS price, big::text AS big, uid::text AS uid FROM author",
    );
    expect(stored).toEqual({
      info: object.info,
      tags: object.tags,
      born_utc: '2024-02-29 21:59:58.123',
      price: object.price,
      big: maxBigint,
      uid: object.uid,
    });
    expect(answer.info).toEqual(object.info);
    expect(answer.tags).toEqual(object.tags);
    expect(new Date(answer.born as string).toISOString()).toBe('2024-02-29T21:59:58.123Z');
    expect(answer.uid).toBe(object.uid);
    // JSON.parse would round the bigint: the response text must carry every digit.
    expect(result.text).toMatch(new RegExp(`"big"\\s*:\\s*"?${maxBigint}"?\\s*[,}]`));
  });

  it('keeps the largest bigint exact when it is written as a GraphQL literal', async () => {
    const result = await g.graphql(`mutation { insert_author(objects: [{name: "lit", big: ${maxBigint}}]) { returning { big } } }`);
    expect(result.status).toBe(200);
    const [stored] = await rows<{ big: string }>('SELECT big::text AS big FROM author');
    expect(stored!.big).toBe(maxBigint);
    expect(result.text).toMatch(new RegExp(`"big"\\s*:\\s*"?${maxBigint}"?\\s*[,}]`));
  });

  it('stores jsonb and numeric values written as GraphQL literals', async () => {
    const data = dataOf(await g.graphql('mutation { insert_author_one(object: {name: "lit", info: {a: [1, {b: "c"}]}, price: 0.1, tags: ["x", "y"]}) { info price tags } }'));
    const [stored] = await rows<Record<string, unknown>>('SELECT info, price::text AS price, tags FROM author');
    expect(stored).toEqual({ info: { a: [1, { b: 'c' }] }, price: '0.1', tags: ['x', 'y'] });
    expect(data.insert_author_one).toEqual({ info: { a: [1, { b: 'c' }] }, price: 0.1, tags: ['x', 'y'] });
  });
});
