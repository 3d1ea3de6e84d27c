/**
 * Updates and deletes end to end (reference §6–7): every operator, `_by_pk`, `update_<t>_many`,
 * `returning` with relationships, and the errors Hasura reports. Expected values come from SQL
 * on the same database — for the jsonb operators, Postgres itself evaluates the operator on the
 * row before the mutation runs.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dataOf, errorOf, startTestGateway, type HttpResult, type TestGateway } from '../support/test-gateway.js';

let g: TestGateway;

// Suggested relationships (auto-track): entry.account, account.entries.
const schemaSql = `
  CREATE TABLE account (
    id int PRIMARY KEY,
    name text NOT NULL,
    balance int NOT NULL DEFAULT 0,
    score numeric,
    data jsonb,
    list jsonb,
    tags text[]
  );
  CREATE TABLE entry (id int PRIMARY KEY, account_id int NOT NULL REFERENCES account (id), amount int NOT NULL);`;

const seedSql = `
  TRUNCATE entry, account;
  INSERT INTO account VALUES
    (1, 'one',   100, 1.25, '{"a": 1, "b": {"c": 2, "d": [1, 2]}, "keep": true}', '[1, 2, 3]', '{x}'),
    (2, 'two',   200, 2.5,  '{"a": 2, "b": {"c": 3}}',                            '["p", "q"]', '{}'),
    (3, 'three',  50, NULL, NULL,                                                  '[]',         NULL),
    (4, 'four',    0, 0,    '{}',                                                  '[{"k": 1}]', '{y,z}');
  INSERT INTO entry VALUES (10, 1, 5), (11, 1, 7), (12, 2, 9);`;

async function rows<T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
  return (await g.db.pool.query(text, params)).rows as T[];
}

/** Every row of both tables as JSON text: equal before and after means nothing changed. */
async function snapshot(): Promise<string> {
  const [{ s }] = (await rows<{ s: string }>(`SELECT
    (SELECT coalesce(json_agg(a ORDER BY a.id), '[]')::text FROM account a) || (SELECT coalesce(json_agg(e ORDER BY e.id), '[]')::text FROM entry e) AS s`)) as [{ s: string }];
  return s;
}

function expectError(result: HttpResult, expected: { code: string; path: string; message: string | RegExp }): void {
  expect(result.status).toBe(200);
  expect(Object.keys(result.body as object)).toEqual(['errors']);
  const error = errorOf(result);
  expect(error.extensions.code).toBe(expected.code);
  expect(error.extensions.path).toBe(expected.path);
  if (typeof expected.message === 'string') expect(error.message).toBe(expected.message);
  else expect(error.message).toMatch(expected.message);
}

beforeAll(async () => {
  g = await startTestGateway({ example: false, setupSql: schemaSql });
});

afterAll(async () => {
  await g?.close();
});

beforeEach(async () => {
  await g.db.pool.query(seedSql);
});

describe('update_<t>', () => {
  it('sets columns with _set on the matching rows only', async () => {
    const untouched = await rows('SELECT * FROM account WHERE id <> 2 ORDER BY id');
    const data = dataOf(await g.graphql(`mutation {
      update_account(where: {id: {_eq: 2}}, _set: {name: "deux", tags: ["a", "b c"], score: 9.75}) { affected_rows returning { id name tags score } }
    }`));
    const [changed] = await rows<Record<string, unknown>>('SELECT id, name, tags, score::float8 AS score FROM account WHERE id = 2');
    expect(changed).toEqual({ id: 2, name: 'deux', tags: ['a', 'b c'], score: 9.75 });
    expect(data.update_account).toEqual({ affected_rows: 1, returning: [changed] });
    expect(await rows('SELECT * FROM account WHERE id <> 2 ORDER BY id')).toEqual(untouched);
  });

  it('increments int and numeric columns with _inc', async () => {
    const before = await rows<{ id: number; balance: number; score: string | null }>('SELECT id, balance, score::text AS score FROM account ORDER BY id');
    const data = dataOf(await g.graphql(`mutation {
      update_account(where: {balance: {_gte: 100}}, _inc: {balance: -15, score: 0.5}) { affected_rows returning { id balance } }
    }`));
    const after = await rows<{ id: number; balance: number; score: string | null }>('SELECT id, balance, score::text AS score FROM account ORDER BY id');
    const changed = before.filter((r) => r.balance >= 100).map((r) => r.id);
    expect(changed).toEqual([1, 2]);
    for (const [i, row] of before.entries()) {
      if (changed.includes(row.id)) {
        expect(after[i]!.balance).toBe(row.balance - 15);
        expect(Number(after[i]!.score)).toBe(Number(row.score) + 0.5);
      } else {
        expect(after[i]).toEqual(row);
      }
    }
    const answer = data.update_account as { affected_rows: number; returning: { id: number; balance: number }[] };
    expect(answer.affected_rows).toBe(2);
    expect([...answer.returning].sort((a, b) => a.id - b.id)).toEqual(after.filter((r) => changed.includes(r.id)).map(({ id, balance }) => ({ id, balance })));
  });

  it.each([
    ['_append (object)', '_append: {data: {new: 1, a: "replaced"}}', `data || '{"new": 1, "a": "replaced"}'::jsonb`, 'data'],
    ['_append (array)', '_append: {list: [4, "five"]}', `list || '[4, "five"]'::jsonb`, 'list'],
    ['_prepend', '_prepend: {list: [0]}', `'[0]'::jsonb || list`, 'list'],
    ['_delete_key', '_delete_key: {data: "a"}', `data - 'a'`, 'data'],
    ['_delete_elem', '_delete_elem: {list: 1}', 'list - 1', 'list'],
    ['_delete_elem (negative, from the end)', '_delete_elem: {list: -1}', 'list - -1', 'list'],
    ['_delete_at_path', '_delete_at_path: {data: ["b", "c"]}', `data #- '{b,c}'`, 'data'],
    ['_delete_at_path into an array', '_delete_at_path: {data: ["b", "d", "0"]}', `data #- '{b,d,0}'`, 'data'],
  ])('applies %s like the Postgres operator', async (_name, argument, expression, column) => {
    const expected = await rows<Record<string, unknown>>(`SELECT id, ${expression} AS ${column} FROM account ORDER BY id`);
    const data = dataOf(await g.graphql(`mutation { update_account(where: {}, ${argument}) { affected_rows returning { id ${column} } } }`));
    const after = await rows<Record<string, unknown>>(`SELECT id, ${column} FROM account ORDER BY id`);
    expect(after).toEqual(expected);
    // Guard against a vacuous test: the operator changed at least one stored value.
    await g.db.pool.query(seedSql);
    expect(await rows(`SELECT id, ${column} FROM account ORDER BY id`)).not.toEqual(after);
    const answer = data.update_account as { affected_rows: number; returning: { id: number }[] };
    expect(answer.affected_rows).toBe(4);
    expect([...answer.returning].sort((a, b) => a.id - b.id)).toEqual(after);
  });

  it('passes jsonb operator arguments as variables', async () => {
    const expected = await rows<Record<string, unknown>>(`SELECT id, (data - 'keep') || '{"v": [1]}'::jsonb AS data FROM account WHERE id = 1`);
    // Two statements in one request: a column may appear under one operator only.
    const result = await g.graphql(`mutation ($k: String!, $v: jsonb!) {
      a: update_account(where: {id: {_eq: 1}}, _delete_key: {data: $k}) { affected_rows }
      b: update_account(where: {id: {_eq: 1}}, _append: {data: $v}) { returning { id data } }
    }`, { k: 'keep', v: { v: [1] } });
    expect(dataOf(result)).toEqual({ a: { affected_rows: 1 }, b: { returning: expected } });
    expect(await rows('SELECT id, data FROM account WHERE id = 1')).toEqual(expected);
  });

  it('updates every row with where: {}', async () => {
    const before = await rows<{ id: number; balance: number }>('SELECT id, balance FROM account ORDER BY id');
    const data = dataOf(await g.graphql('mutation { update_account(where: {}, _inc: {balance: 1}) { affected_rows } }'));
    expect(data.update_account).toEqual({ affected_rows: before.length });
    expect(await rows('SELECT id, balance FROM account ORDER BY id')).toEqual(before.map((r) => ({ id: r.id, balance: r.balance + 1 })));
  });

  it('answers affected_rows 0 and an empty returning when nothing matches', async () => {
    const before = await snapshot();
    const data = dataOf(await g.graphql('mutation { update_account(where: {id: {_eq: 999}}, _set: {name: "x"}) { affected_rows returning { id } } }'));
    expect(data.update_account).toEqual({ affected_rows: 0, returning: [] });
    expect(await snapshot()).toBe(before);
  });

  it('writes nothing and answers nothing for an empty _set, as Hasura does, also with relationships in returning', async () => {
    const before = await snapshot();
    const data = dataOf(
      await g.graphql('mutation U($set: account_set_input!) { update_account(where: {id: {_eq: 1}}, _set: $set) { affected_rows returning { id entries { id } } } }', { set: {} }),
    );
    expect(data.update_account).toEqual({ affected_rows: 0, returning: [] });
    const many = dataOf(await g.graphql('mutation { update_account_many(updates: [{where: {id: {_eq: 1}}, _set: {}}]) { affected_rows returning { id } } }'));
    expect(many.update_account_many).toEqual([{ affected_rows: 0, returning: [] }]);
    expect(await snapshot()).toBe(before);
  });

  it('reads a string given for an array column as a Postgres array literal, as Hasura does', async () => {
    const literal = dataOf(await g.graphql('mutation { update_account_by_pk(pk_columns: {id: 1}, _set: {tags: "{a,\\"b c\\"}"}) { tags } }'));
    expect(literal.update_account_by_pk).toEqual({ tags: ['a', 'b c'] });
    // A list stays a list: its one item is the text "{x}", not a literal.
    const list = dataOf(await g.graphql('mutation { update_account_by_pk(pk_columns: {id: 1}, _set: {tags: ["{x}"]}) { tags } }'));
    expect(list.update_account_by_pk).toEqual({ tags: ['{x}'] });
    expect(await rows('SELECT tags FROM account WHERE id = 1')).toEqual([{ tags: ['{x}'] }]);
    // A variable is coerced by GraphQL's rules before Sluice sees it: a string is a list of one.
    const query = 'mutation T($t: [String!]) { update_account_by_pk(pk_columns: {id: 2}, _set: {tags: $t}) { tags } }';
    expect(dataOf(await g.graphql(query, { t: ['r', 's'] })).update_account_by_pk).toEqual({ tags: ['r', 's'] });
    expect(dataOf(await g.graphql(query, { t: 'p' })).update_account_by_pk).toEqual({ tags: ['p'] });
    const inserted = dataOf(await g.graphql('mutation { insert_account_one(object: {id: 5, name: "five", tags: "{u,v}"}) { tags } }'));
    expect(inserted.insert_account_one).toEqual({ tags: ['u', 'v'] });
  });

  it('refuses a string that is not an array literal for an array column, writing nothing', async () => {
    const before = await snapshot();
    const result = await g.graphql('mutation { update_account_by_pk(pk_columns: {id: 1}, _set: {tags: "not a literal"}) { tags } }');
    expect(result.status).toBe(200);
    expect(errorOf(result).extensions.code).toBe('data-exception');
    expect(errorOf(result).message).toMatch(/malformed array literal/);
    expect(await snapshot()).toBe(before);
  });

  it('still reads a single value for _in as a list of one', async () => {
    const data = dataOf(await g.graphql('mutation { update_account(where: {name: {_in: "two"}}, _inc: {balance: 1}) { returning { id balance } } }'));
    expect(data.update_account).toEqual({ returning: [{ id: 2, balance: 201 }] });
  });

  it('filters the rows to update through a relationship', async () => {
    const data = dataOf(await g.graphql('mutation { update_entry(where: {account: {name: {_eq: "one"}}}, _inc: {amount: 100}) { affected_rows } }'));
    expect(data.update_entry).toEqual({ affected_rows: 2 });
    expect(await rows('SELECT id, amount FROM entry ORDER BY id')).toEqual([{ id: 10, amount: 105 }, { id: 11, amount: 107 }, { id: 12, amount: 9 }]);
  });

  it('answers relationships in returning', async () => {
    const data = dataOf(await g.graphql('mutation { update_entry(where: {id: {_eq: 12}}, _set: {amount: 1}) { returning { id amount account { id name } } } }'));
    const [account] = await rows('SELECT id, name FROM account WHERE id = 2');
    expect(data.update_entry).toEqual({ returning: [{ id: 12, amount: 1, account }] });
  });

  it('answers relationships in returning as they are after the update', async () => {
    const data = dataOf(await g.graphql('mutation { update_entry(where: {id: {_eq: 10}}, _set: {amount: 1}) { returning { account { entries(order_by: {id: asc}) { id amount } } } } }'));
    const entries = await rows('SELECT id, amount FROM entry WHERE account_id = 1 ORDER BY id');
    expect(entries).toEqual([{ id: 10, amount: 1 }, { id: 11, amount: 7 }]);
    expect(data.update_entry).toEqual({ returning: [{ account: { entries } }] });
  });
});

describe('update_<t>_by_pk', () => {
  it('answers the updated row', async () => {
    const data = dataOf(await g.graphql('mutation { update_account_by_pk(pk_columns: {id: 3}, _set: {name: "drei"}, _inc: {balance: 7}) { id name balance } }'));
    const [row] = await rows('SELECT id, name, balance FROM account WHERE id = 3');
    expect(row).toEqual({ id: 3, name: 'drei', balance: 57 });
    expect(data.update_account_by_pk).toEqual(row);
  });

  it('answers null and changes nothing for an empty _set', async () => {
    const before = await snapshot();
    const data = dataOf(await g.graphql('mutation { update_account_by_pk(pk_columns: {id: 1}, _set: {}) { id name } }'));
    expect(data.update_account_by_pk).toBeNull();
    expect(await snapshot()).toBe(before);
  });

  it('answers null and changes nothing when no row has the key', async () => {
    const before = await snapshot();
    const data = dataOf(await g.graphql('mutation { update_account_by_pk(pk_columns: {id: 999}, _set: {name: "x"}) { id } }'));
    expect(data).toEqual({ update_account_by_pk: null });
    expect(await snapshot()).toBe(before);
  });
});

describe('update_<t>_many', () => {
  it('runs the updates in order, each seeing the ones before, and answers a list', async () => {
    const data = dataOf(await g.graphql(`mutation {
      update_account_many(updates: [
        {where: {id: {_eq: 3}}, _set: {balance: 500}},
        {where: {balance: {_gte: 500}}, _inc: {balance: 1}, _set: {name: "rich"}},
        {where: {id: {_eq: 999}}, _set: {name: "nobody"}}
      ]) { affected_rows returning { id name balance } }
    }`));
    const [row] = await rows('SELECT id, name, balance FROM account WHERE id = 3');
    expect(row).toEqual({ id: 3, name: 'rich', balance: 501 });
    expect(await rows('SELECT id FROM account WHERE balance >= 500')).toEqual([{ id: 3 }]);
    expect(data.update_account_many).toEqual([
      { affected_rows: 1, returning: [{ id: 3, name: 'three', balance: 500 }] },
      { affected_rows: 1, returning: [row] },
      { affected_rows: 0, returning: [] },
    ]);
  });
});

describe('update errors', () => {
  it('refuses a column under two operators', async () => {
    const before = await snapshot();
    expectError(await g.graphql('mutation { update_account(where: {}, _set: {balance: 1, name: "n"}, _inc: {balance: 2}) { affected_rows } }'), {
      code: 'validation-failed',
      path: '$.selectionSet.update_account.args',
      message: "Column found in multiple operators: ['balance'].",
    });
    expect(await snapshot()).toBe(before);
  });

  it('lists every column found under two operators', async () => {
    expectError(await g.graphql('mutation { update_account(where: {}, _set: {balance: 1, score: 1}, _inc: {balance: 2, score: 2}) { affected_rows } }'), {
      code: 'validation-failed',
      path: '$.selectionSet.update_account.args',
      message: "Column found in multiple operators: ['balance', 'score'].",
    });
  });

  it('refuses _inc on a text column: it is not a field of <t>_inc_input', async () => {
    const before = await snapshot();
    expectError(await g.graphql('mutation { update_account(where: {}, _inc: {name: 1}) { affected_rows } }'), {
      code: 'validation-failed',
      path: '$.selectionSet.update_account.args._inc.name',
      message: "field 'name' not found in type: 'account_inc_input'",
    });
    expect(await snapshot()).toBe(before);
  });

  it('reports a database error of an update at $', async () => {
    const before = await snapshot();
    expectError(await g.graphql('mutation { update_entry(where: {id: {_eq: 10}}, _set: {account_id: 999}) { affected_rows } }'), {
      code: 'constraint-violation',
      path: '$',
      message: /^Foreign key violation\. insert or update on table "entry" violates foreign key constraint "entry_account_id_fkey"/,
    });
    expectError(await g.graphql('mutation { update_account(where: {id: {_eq: 1}}, _set: {id: 2}) { affected_rows } }'), {
      code: 'constraint-violation',
      path: '$',
      message: /^Uniqueness violation\. duplicate key value violates unique constraint "account_pkey"/,
    });
    expect(await snapshot()).toBe(before);
  });
});

describe('delete_<t>', () => {
  it('deletes the matching rows and answers them with relationships in returning', async () => {
    const expected = await rows(`SELECT e.id, e.amount, json_build_object('id', a.id, 'name', a.name) AS account
      FROM entry e JOIN account a ON a.id = e.account_id WHERE a.name = 'one' ORDER BY e.id`);
    expect(expected).toHaveLength(2);
    const data = dataOf(await g.graphql('mutation { delete_entry(where: {account: {name: {_eq: "one"}}}) { affected_rows returning { id amount account { id name } } } }'));
    const answer = data.delete_entry as { affected_rows: number; returning: { id: number }[] };
    expect(answer.affected_rows).toBe(2);
    expect([...answer.returning].sort((a, b) => a.id - b.id)).toEqual(expected);
    expect(await rows('SELECT id FROM entry ORDER BY id')).toEqual([{ id: 12 }]);
  });

  it('answers relationships in returning as they are after the delete', async () => {
    const data = dataOf(await g.graphql('mutation { delete_entry(where: {id: {_eq: 10}}) { returning { account { entries(order_by: {id: asc}) { id } } } } }'));
    const entries = await rows('SELECT id FROM entry WHERE account_id = 1 ORDER BY id');
    expect(entries).toEqual([{ id: 11 }]);
    expect(data.delete_entry).toEqual({ returning: [{ account: { entries } }] });
  });

  it('answers delete_<t>_by_pk with the deleted row, or null when nothing was deleted', async () => {
    const [row] = await rows('SELECT id, amount FROM entry WHERE id = 11');
    const data = dataOf(await g.graphql('mutation { hit: delete_entry_by_pk(id: 11) { id amount } miss: delete_entry_by_pk(id: 999) { id } }'));
    expect(data).toEqual({ hit: row, miss: null });
    expect(await rows('SELECT id FROM entry ORDER BY id')).toEqual([{ id: 10 }, { id: 12 }]);
  });

  it('reports a foreign key violation on delete as constraint-violation at $ and deletes nothing', async () => {
    const before = await snapshot();
    expectError(await g.graphql('mutation { delete_account(where: {id: {_in: [3, 1]}}) { affected_rows } }'), {
      code: 'constraint-violation',
      path: '$',
      message: 'Foreign key violation. update or delete on table "account" violates foreign key constraint "entry_account_id_fkey" on table "entry"',
    });
    expect(await snapshot()).toBe(before);
  });

  it('deletes every row with where: {}', async () => {
    const [{ n }] = (await rows<{ n: number }>('SELECT count(*)::int AS n FROM entry')) as [{ n: number }];
    const data = dataOf(await g.graphql('mutation { delete_entry(where: {}) { affected_rows } }'));
    expect(data.delete_entry).toEqual({ affected_rows: n });
    expect(await rows('SELECT * FROM entry')).toEqual([]);
  });
});
