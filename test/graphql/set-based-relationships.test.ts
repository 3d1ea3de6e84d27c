/**
 * Array relationships read for a whole list of parents at once (gateway/compile/compile-fields.ts,
 * `isSetBased`) answer exactly what a query per parent answers: the same rows, in the same order,
 * under the same permissions. Every expectation is computed with SQL per parent on the same data.
 *
 * Rows are inserted in a shuffled order, so that the table's order differs from its keys' order:
 * a join that reordered the parents or the children would show.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, startTestGateway, type TestGateway } from '../support/test-gateway.js';

let g: TestGateway;
const secret = 'set-based-secret';
const admin = { 'x-hasura-admin-secret': secret };
const viewer = { ...admin, 'x-hasura-role': 'viewer' };

async function ids(text: string, params: unknown[] = []): Promise<number[]> {
  return (await g.db.pool.query<{ id: number }>(text, params)).rows.map((row) => row.id);
}

/** The same ids as `{id}` objects, as the gateway answers a selection of `id`. */
async function idObjects(text: string, params: unknown[] = []): Promise<{ id: number }[]> {
  return (await ids(text, params)).map((id) => ({ id }));
}

async function query(text: string, headers: Record<string, string> = admin): Promise<Record<string, unknown>> {
  return dataOf(await g.graphql(text, undefined, headers));
}

beforeAll(async () => {
  g = await startTestGateway({
    example: false,
    env: { SLUICE_ADMIN_SECRET: secret },
    setupSql: `
      CREATE TABLE team (id int PRIMARY KEY, region text NOT NULL, code text NOT NULL, name text NOT NULL, UNIQUE (region, code));
      CREATE TABLE member (
        id int PRIMARY KEY, team_id int REFERENCES team (id), region text, team_code text, name text NOT NULL, active boolean NOT NULL,
        ordinal int); -- the name the CTE gives its row numbers, unless a column has it
      CREATE TABLE task (id int PRIMARY KEY, member_id int NOT NULL REFERENCES member (id), title text NOT NULL);
      CREATE INDEX ON member (team_id);
      CREATE INDEX ON task (member_id);
      CREATE TABLE shelf (id int PRIMARY KEY, tags text[]);
      CREATE TABLE book (id int PRIMARY KEY, tags text[]);
      INSERT INTO shelf VALUES (1, '{a,b}'), (2, '{c}'), (3, NULL), (4, '{}');
      INSERT INTO book VALUES (10, '{c}'), (11, '{a,b}'), (12, '{a}'), (13, '{c}'), (14, '{}');
      CREATE FUNCTION team_active_members(t team) RETURNS SETOF member LANGUAGE sql STABLE AS $$
        SELECT * FROM member WHERE team_id = t.id AND active $$;
      CREATE FUNCTION team_label(t team) RETURNS text LANGUAGE sql STABLE AS $$ SELECT t.region || '/' || t.code $$;
      -- Teams 41 to 45 have no members; members 25, 50, … have no team.
      INSERT INTO team SELECT i, CASE WHEN i % 2 = 0 THEN 'eu' ELSE 'us' END, 'c' || i, 'Team ' || (i % 7)
        FROM generate_series(1, 45) AS i ORDER BY md5(i::text);
      INSERT INTO member SELECT i, t.id, t.region, t.code, 'Member ' || (i % 9), i % 3 <> 0, 1000 - i
        FROM generate_series(1, 200) AS i LEFT JOIN team AS t ON t.id = 1 + (i * 7) % 40 AND i % 25 <> 0
        ORDER BY md5('m' || i);
      INSERT INTO task SELECT i, 1 + (i * 13) % 200, 'Task ' || i FROM generate_series(1, 600) AS i ORDER BY md5('t' || i);
      ANALYZE team, member, task;`,
  });
  const metadata = [
    {
      type: 'pg_create_array_relationship',
      args: { table: 'team', name: 'by_code', using: { manual_configuration: { remote_table: 'member', column_mapping: { region: 'region', code: 'team_code' } } } },
    },
    {
      type: 'pg_create_array_relationship',
      args: { table: 'member', name: 'teammates', using: { manual_configuration: { remote_table: 'member', column_mapping: { team_id: 'team_id' } } } },
    },
    {
      type: 'pg_create_array_relationship',
      args: { table: 'shelf', name: 'books', using: { manual_configuration: { remote_table: 'book', column_mapping: { tags: 'tags' } } } },
    },
    { type: 'pg_add_computed_field', args: { table: 'team', name: 'label', definition: { function: 'team_label' } } },
    { type: 'pg_add_computed_field', args: { table: 'team', name: 'active_members', definition: { function: 'team_active_members' } } },
    { type: 'pg_create_select_permission', args: { table: 'team', role: 'viewer', permission: { columns: ['id', 'name'], computed_fields: ['label'], filter: {} } } },
    {
      type: 'pg_create_select_permission',
      args: { table: 'member', role: 'viewer', permission: { columns: ['id', 'name', 'team_id'], filter: { active: { _eq: true } } } },
    },
    { type: 'pg_create_select_permission', args: { table: 'task', role: 'viewer', permission: { columns: ['id', 'title'], filter: {}, limit: 2 } } },
  ];
  for (const args of metadata) {
    const result = await g.post('/v1/metadata', args, admin);
    expect(result.status, result.text).toBe(200);
  }
});

afterAll(async () => {
  await g?.close();
});

describe('array relationships read for a whole list', () => {
  it("keeps every list in the table's order when no order_by is given", async () => {
    const data = await query('{ team { id members { id ordinal tasks { id } } } }');
    const expected = [];
    for (const team of await ids('SELECT id FROM team ORDER BY ctid')) {
      const members = [];
      for (const member of await ids('SELECT id FROM member WHERE team_id = $1 ORDER BY ctid', [team])) {
        const tasks = await idObjects('SELECT id FROM task WHERE member_id = $1 ORDER BY ctid', [member]);
        members.push({ id: member, ordinal: 1000 - member, tasks });
      }
      expected.push({ id: team, members });
    }
    // The shuffled insert makes the table's order differ from the keys' order.
    expect(expected.map((team) => team.id)).not.toEqual([...expected.map((team) => team.id)].sort((a, b) => a - b));
    expect(expected.filter((team) => team.members.length === 0)).toHaveLength(5);
    expect(data.team).toEqual(expected);

    // A few parents: Postgres then hashes the parents rather than their rows, and the join
    // returns them in the rows' order, unless the list follows the parents' own.
    const few = [7, 3, 12, 1, 30, 44];
    const some = await query(`{ team(where: {id: {_in: [${few.join(', ')}]}}) { id members { id } } }`);
    const someExpected = [];
    for (const team of await ids('SELECT id FROM team WHERE id = ANY ($1) ORDER BY ctid', [few])) {
      someExpected.push({ id: team, members: await idObjects('SELECT id FROM member WHERE team_id = $1 ORDER BY ctid', [team]) });
    }
    expect(some.team).toEqual(someExpected);
  });

  it('orders and filters each parent\'s rows as asked, parents in their own order', async () => {
    const data = await query(`{ team(order_by: [{name: desc}, {id: asc}]) {
      id members(where: {active: {_eq: true}}, order_by: [{name: asc}, {id: desc}]) { id name } } }`);
    const expected = [];
    for (const team of await ids('SELECT id FROM team ORDER BY name DESC, id ASC')) {
      const members = await g.db.pool.query('SELECT id, name FROM member WHERE team_id = $1 AND active ORDER BY name ASC, id DESC', [team]);
      expect(members.rows.length).toBeLessThan(10);
      expected.push({ id: team, members: members.rows });
    }
    expect(data.team).toEqual(expected);
  });

  it('joins on a key of several columns', async () => {
    const data = await query('{ team(order_by: {id: asc}) { id by_code(order_by: {id: asc}) { id } } }');
    const expected = [];
    for (const team of (await g.db.pool.query<{ id: number; region: string; code: string }>('SELECT id, region, code FROM team ORDER BY id')).rows) {
      expected.push({ id: team.id, by_code: await idObjects('SELECT id FROM member WHERE region = $1 AND team_code = $2 ORDER BY id', [team.region, team.code]) });
    }
    expect(expected.some((team) => team.by_code.length > 1)).toBe(true);
    expect(data.team).toEqual(expected);
  });

  it('gives parents that share a key the same rows, and a parent with a null key none', async () => {
    const data = await query('{ member(order_by: {id: asc}) { id teammates(order_by: {id: asc}) { id } } }');
    const expected = [];
    for (const member of (await g.db.pool.query<{ id: number; team_id: number | null }>('SELECT id, team_id FROM member ORDER BY id')).rows) {
      expected.push({ id: member.id, teammates: await idObjects('SELECT id FROM member WHERE team_id = $1 ORDER BY id', [member.team_id]) });
    }
    expect(expected.filter((member) => member.teammates.length === 0)).toHaveLength(8);
    expect(data.member).toEqual(expected);
  });

  it("reads the rows of a set-returning computed field's rows for all of them at once", async () => {
    const data = await query('{ team(order_by: {id: asc}, limit: 6) { id active_members(order_by: {id: asc}) { id tasks(order_by: {id: asc}) { id } } } }');
    const expected = [];
    for (const team of await ids('SELECT id FROM team ORDER BY id LIMIT 6')) {
      const members = [];
      for (const member of await ids('SELECT id FROM member WHERE team_id = $1 AND active ORDER BY id', [team])) {
        members.push({ id: member, tasks: await idObjects('SELECT id FROM task WHERE member_id = $1 ORDER BY id', [member]) });
      }
      expected.push({ id: team, active_members: members });
    }
    expect(expected.flatMap((team) => team.active_members.flatMap((member) => member.tasks)).length).toBeGreaterThan(10);
    expect(data.team).toEqual(expected);
  });

  it('joins on a key that is an array, of any length', async () => {
    const data = await query('{ shelf(order_by: {id: asc}) { id books(order_by: {id: asc}) { id } } }');
    expect(data.shelf).toEqual([
      { id: 1, books: [{ id: 11 }] },
      { id: 2, books: [{ id: 10 }, { id: 13 }] },
      { id: 3, books: [] },
      { id: 4, books: [{ id: 14 }] },
    ]);
  });

  it("applies a limit to each parent's rows, not to all of them", async () => {
    const data = await query('{ team(order_by: {id: asc}) { id members(order_by: {id: desc}, limit: 2) { id } } }');
    const expected = [];
    for (const team of await ids('SELECT id FROM team ORDER BY id')) {
      expected.push({ id: team, members: await idObjects('SELECT id FROM member WHERE team_id = $1 ORDER BY id DESC LIMIT 2', [team]) });
    }
    expect(expected.filter((team) => team.members.length === 2).length).toBeGreaterThan(30);
    expect(data.team).toEqual(expected);
  });

  it("applies the role's filters and row limits at every level, beside a computed field of the parent row", async () => {
    const data = await query('{ team(order_by: {id: asc}) { id label members(order_by: {id: asc}) { id tasks(order_by: {id: asc}) { id } } } }', viewer);
    const expected = [];
    for (const team of (await g.db.pool.query<{ id: number; label: string }>('SELECT id, team_label(team) AS label FROM team ORDER BY id')).rows) {
      const members = [];
      for (const member of await ids('SELECT id FROM member WHERE team_id = $1 AND active ORDER BY id', [team.id])) {
        // The role's limit of 2 caps each member's tasks.
        members.push({ id: member, tasks: await idObjects('SELECT id FROM task WHERE member_id = $1 ORDER BY id LIMIT 2', [member]) });
      }
      expected.push({ id: team.id, label: team.label, members });
    }
    const hidden = await ids('SELECT id FROM member WHERE NOT active AND team_id IS NOT NULL');
    expect(hidden.length).toBeGreaterThan(0);
    expect(expected.flatMap((team) => team.members.map((member) => member.tasks.length)).filter((n) => n === 2).length).toBeGreaterThan(20);
    expect(data.team).toEqual(expected);
  });
});
