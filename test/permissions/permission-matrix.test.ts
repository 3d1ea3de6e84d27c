/**
 * The permission matrix of a small multi-tenant schema (reference §8–9), through HTTP: for each
 * role (`anonymous` as the unauthorized role, `user`, `manager`, and `billing_service` as a
 * function's service role behind the admin secret) which rows and columns it reads — checked
 * against SQL on the same database — which fields do not exist for it, and what its mutations may
 * change. Every mutation that must not happen is checked against a snapshot of all tables.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dataOf, errorOf, startTestGateway, type HttpResult, type TestGateway } from '../support/test-gateway.js';
import { applyTenantMetadata, roleHeaders, tenantSchemaSql, userTaskLimit } from '../support/tenant-fixture.js';

let g: TestGateway;

/** Tenant 3's slug is a piece of SQL; a session variable holding it must only ever match it. */
const injectedSlug = "x' OR '1'='1";

// Project 103 (tenant 1) is owned by user 21 of tenant 2; task 14 (tenant 2's project 201) is
// assigned to user 11 of tenant 1: relationships across tenants must still apply the target's filter.
const seedSql = `
  TRUNCATE invoice, task, project, app_user, tenant RESTART IDENTITY;
  INSERT INTO tenant VALUES (1, 'acme', 'Acme', 'pro'), (2, 'globex', 'Globex', 'pro'), (3, $$${injectedSlug}$$, 'Injected', 'free');
  INSERT INTO app_user VALUES
    (11, 1, 'Ann', 'ann@acme.test'), (12, 1, 'Bob', 'bob@acme.test'),
    (21, 2, 'Cid', 'cid@globex.test'), (22, 2, 'Dee', 'dee@globex.test'),
    (31, 3, 'Eve', 'eve@injected.test');
  INSERT INTO project VALUES
    (101, 1, 11, 'Apollo', true, 'apollo secret'),
    (102, 1, 12, 'Borealis', false, 'borealis secret'),
    (103, 1, 21, 'Cosmos', false, NULL),
    (201, 2, 21, 'Delta', true, 'delta secret'),
    (202, 2, 22, 'Echo', false, 'echo secret'),
    (301, 3, 31, 'Foxtrot', true, NULL);
  INSERT INTO task (id, project_id, assignee_id, title, done, priority) VALUES
    (1, 101, 11, 'apollo 1', false, 1), (2, 101, 12, 'apollo 2', true, 2), (3, 101, NULL, 'apollo 3', false, 3),
    (4, 101, 11, 'apollo 4', false, 1), (5, 101, 12, 'apollo 5', false, 2), (6, 101, 11, 'apollo 6', true, 3),
    (7, 101, 12, 'apollo 7', false, 1),
    (8, 102, 11, 'borealis 1', false, 5), (9, 102, 12, 'borealis 2', false, 4), (10, 102, 11, 'borealis 3', true, 3),
    (11, 103, 21, 'cosmos 1', false, 2),
    (12, 201, 21, 'delta 1', false, 1), (13, 201, 22, 'delta 2', true, 1), (14, 201, 11, 'delta 3', false, 9),
    (15, 201, 21, 'delta 4', false, 2),
    (16, 202, 22, 'echo 1', false, 1), (17, 202, 21, 'echo 2', false, 1),
    (18, 301, 31, 'foxtrot 1', false, 1);
  SELECT setval('task_id_seq', 100);`;

async function rows<T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
  return (await g.db.pool.query(text, params)).rows as T[];
}

/** Every row of every table as JSON text: equal before and after means nothing changed. */
async function snapshot(): Promise<string> {
  const tables = ['tenant', 'app_user', 'project', 'task', 'invoice'];
  const parts = await Promise.all(tables.map(async (t) => (await rows<{ s: string }>(`SELECT coalesce(json_agg(x ORDER BY x.id), '[]')::text AS s FROM ${t} x`))[0]!.s));
  return parts.join('\n');
}

function expectError(result: HttpResult, expected: { code: string; message: string | RegExp; path?: string }): void {
  expect(result.status).toBe(200);
  // No `data` at all: nothing leaks next to the error.
  expect(Object.keys(result.body as object)).toEqual(['errors']);
  const error = errorOf(result);
  expect(error.extensions.code).toBe(expected.code);
  if (expected.path !== undefined) expect(error.extensions.path).toBe(expected.path);
  if (typeof expected.message === 'string') expect(error.message).toBe(expected.message);
  else expect(error.message).toMatch(expected.message);
}

function expectNotFound(result: HttpResult, field: string, type: string, path?: string): void {
  expectError(result, { code: 'validation-failed', message: `field '${field}' not found in type: '${type}'`, ...(path ? { path } : {}) });
}

const anonymous = (): Record<string, string> => ({});
const user = (id = 11, tenant = 1, slug = 'acme') => roleHeaders(g, 'user', { 'X-Hasura-User-Id': id, 'X-Hasura-Tenant-Id': tenant, 'X-Hasura-Tenant-Slug': slug });
const manager = (id = 12, tenant = 1) => roleHeaders(g, 'manager', { 'X-Hasura-User-Id': id, 'X-Hasura-Tenant-Id': tenant });
const billing = () => roleHeaders(g, 'billing_service');

async function ask(headers: Record<string, string>, query: string, variables?: Record<string, unknown>): Promise<Record<string, unknown>> {
  return dataOf(await g.graphql(query, variables, headers));
}

beforeAll(async () => {
  g = await startTestGateway({
    example: false,
    setupSql: tenantSchemaSql,
    env: { SLUICE_ADMIN_SECRET: 'matrix-secret', SLUICE_UNAUTHORIZED_ROLE: 'anonymous', SLUICE_AUTO_TRACK: 'false' },
  });
  await applyTenantMetadata(g);
});

afterAll(async () => {
  await g?.close();
});

beforeEach(async () => {
  await g.db.pool.query(seedSql);
});

describe('anonymous (the unauthorized role)', () => {
  it('reads only public projects, and only their permitted columns', async () => {
    const data = await ask(anonymous(), '{ project(order_by: {id: asc}) { id tenant_id name is_public } }');
    expect(data.project).toEqual(await rows('SELECT id, tenant_id, name, is_public FROM project WHERE is_public ORDER BY id'));
    expect((data.project as unknown[]).length).toBe(3);
  });

  it('does not see a private project by primary key', async () => {
    expect(await ask(anonymous(), '{ a: project_by_pk(id: 102) { id } b: project_by_pk(id: 101) { id name } }')).toEqual({ a: null, b: { id: 101, name: 'Apollo' } });
  });

  it('has no secret_notes, no tasks, no relationships to hidden tables and no aggregates', async () => {
    expectNotFound(await g.graphql('{ project { id secret_notes } }', undefined, anonymous()), 'secret_notes', 'project', '$.selectionSet.project.selectionSet.secret_notes');
    expectNotFound(await g.graphql('{ task { id } }', undefined, anonymous()), 'task', 'query_root', '$.selectionSet.task');
    expectNotFound(await g.graphql('{ tenant { id } }', undefined, anonymous()), 'tenant', 'query_root');
    expectNotFound(await g.graphql('{ project { tasks { id } } }', undefined, anonymous()), 'tasks', 'project');
    expectNotFound(await g.graphql('{ project { owner { id } } }', undefined, anonymous()), 'owner', 'project');
    expectNotFound(await g.graphql('{ project_aggregate { aggregate { count } } }', undefined, anonymous()), 'project_aggregate', 'query_root');
  });

  it('cannot filter or sort on a hidden column', async () => {
    expectNotFound(await g.graphql('{ project(where: {secret_notes: {_eq: "delta secret"}}) { id } }', undefined, anonymous()), 'secret_notes', 'project_bool_exp');
    expectNotFound(await g.graphql('{ project(order_by: {secret_notes: asc}) { id } }', undefined, anonymous()), 'secret_notes', 'project_order_by');
  });

  it('has no mutations at all', async () => {
    const before = await snapshot();
    expectError(await g.graphql('mutation { insert_project(objects: [{id: 900, tenant_id: 1, name: "x"}]) { affected_rows } }', undefined, anonymous()), {
      code: 'validation-failed',
      message: 'no mutations exist',
    });
    expect(await snapshot()).toBe(before);
  });

  it('cannot pick a role or bring session variables without the admin secret', async () => {
    const headers = { 'x-hasura-role': 'manager', 'x-hasura-tenant-id': '2', 'x-hasura-user-id': '21' };
    expect((await ask(headers, '{ project(order_by: {id: asc}) { id } }')).project).toEqual([{ id: 101 }, { id: 201 }, { id: 301 }]);
    expectNotFound(await g.graphql('{ project { secret_notes } }', undefined, headers), 'secret_notes', 'project');
  });
});

describe('user', () => {
  it('reads the projects of its tenant with the permitted columns', async () => {
    const data = await ask(user(), '{ project(order_by: {id: asc}) { id tenant_id owner_id name is_public } }');
    expect(data.project).toEqual(await rows('SELECT id, tenant_id, owner_id, name, is_public FROM project WHERE tenant_id = 1 ORDER BY id'));
    const other = await ask(user(21, 2, 'globex'), '{ project(order_by: {id: asc}) { id } }');
    expect(other.project).toEqual([{ id: 201 }, { id: 202 }]);
  });

  it('reads its tenant (by slug) and the users of its tenant, without email', async () => {
    const data = await ask(user(), '{ tenant { id slug name } app_user(order_by: {id: asc}) { id tenant_id name } }');
    expect(data.tenant).toEqual([{ id: 1, slug: 'acme', name: 'Acme' }]);
    expect(data.app_user).toEqual(await rows('SELECT id, tenant_id, name FROM app_user WHERE tenant_id = 1 ORDER BY id'));
    expectNotFound(await g.graphql('{ app_user { email } }', undefined, user()), 'email', 'app_user');
    expectNotFound(await g.graphql('{ tenant { plan } }', undefined, user()), 'plan', 'tenant');
  });

  it('has no secret_notes, no project aggregates, no project writes and no deletes', async () => {
    expectNotFound(await g.graphql('{ project { secret_notes } }', undefined, user()), 'secret_notes', 'project');
    expectNotFound(await g.graphql('{ project_aggregate { aggregate { count } } }', undefined, user()), 'project_aggregate', 'query_root');
    expectNotFound(await g.graphql('{ app_user_aggregate { aggregate { count } } }', undefined, user()), 'app_user_aggregate', 'query_root');
    expectNotFound(await g.graphql('{ invoice { id } }', undefined, user()), 'invoice', 'query_root');
    const before = await snapshot();
    expectNotFound(await g.graphql('mutation { insert_project(objects: [{id: 900, name: "x"}]) { affected_rows } }', undefined, user()), 'insert_project', 'mutation_root');
    expectNotFound(await g.graphql('mutation { delete_task(where: {}) { affected_rows } }', undefined, user()), 'delete_task', 'mutation_root');
    expectNotFound(await g.graphql('mutation { delete_task_by_pk(id: 1) { id } }', undefined, user()), 'delete_task_by_pk', 'mutation_root');
    expectNotFound(await g.graphql('mutation { update_project(where: {}, _set: {name: "x"}) { affected_rows } }', undefined, user()), 'update_project', 'mutation_root');
    expect(await snapshot()).toBe(before);
  });

  it('caps tasks at the permission limit, whatever limit the query asks for', async () => {
    const all = await rows<{ id: number }>('SELECT t.id FROM task t JOIN project p ON p.id = t.project_id WHERE p.tenant_id = 1 ORDER BY t.id');
    expect(all.length).toBeGreaterThan(userTaskLimit);
    const data = await ask(user(), `{
      plain: task(order_by: {id: asc}) { id }
      more: task(order_by: {id: asc}, limit: 100) { id }
      fewer: task(order_by: {id: asc}, limit: 2) { id }
      later: task(order_by: {id: asc}, offset: 4) { id }
    }`);
    expect(data.plain).toEqual(all.slice(0, userTaskLimit));
    expect(data.more).toEqual(all.slice(0, userTaskLimit));
    expect(data.fewer).toEqual(all.slice(0, 2));
    expect(data.later).toEqual(all.slice(4, 4 + userTaskLimit));
  });

  it('caps tasks at the permission limit inside relationships too', async () => {
    const data = await ask(user(), `{
      project(order_by: {id: asc}) { id tasks(order_by: {id: asc}) { id } }
      app_user(order_by: {id: asc}) { id tasks(order_by: {id: asc}, limit: 50) { id } }
    }`);
    const projects = data.project as { id: number; tasks: { id: number }[] }[];
    expect(projects.map((p) => p.id)).toEqual([101, 102, 103]);
    for (const project of projects) {
      const expected = await rows('SELECT id FROM task WHERE project_id = $1 ORDER BY id LIMIT $2', [project.id, userTaskLimit]);
      expect(project.tasks).toEqual(expected);
    }
    expect(projects[0]!.tasks).toHaveLength(userTaskLimit);
    for (const u of data.app_user as { id: number; tasks: { id: number }[] }[]) {
      const expected = await rows(
        'SELECT t.id FROM task t JOIN project p ON p.id = t.project_id WHERE t.assignee_id = $1 AND p.tenant_id = 1 ORDER BY t.id LIMIT $2',
        [u.id, userTaskLimit],
      );
      expect(u.tasks).toEqual(expected);
    }
  });

  it("never sees another tenant's rows through a relationship", async () => {
    const data = await ask(user(), `{
      ann: app_user(where: {id: {_eq: 11}}) { id tasks(order_by: {id: asc}) { id project_id } }
      cosmos: project_by_pk(id: 103) { owner_id owner { id name } }
      task14: task_by_pk(id: 14) { id }
    }`);
    // Task 14 is assigned to Ann but lives in tenant 2's project.
    expect(data.ann).toEqual([{ id: 11, tasks: await rows('SELECT t.id, t.project_id FROM task t JOIN project p ON p.id = t.project_id WHERE t.assignee_id = 11 AND p.tenant_id = 1 ORDER BY t.id') }]);
    expect((data.ann as { tasks: { id: number }[] }[])[0]!.tasks.map((t) => t.id)).not.toContain(14);
    // Project 103's owner is a user of tenant 2: the column is visible, the row is not.
    expect(data.cosmos).toEqual({ owner_id: 21, owner: null });
    expect(data.task14).toBeNull();
  });

  it("never matches another tenant's rows through a relationship filter", async () => {
    const data = await ask(user(), `{
      byTenant: task(where: {project: {tenant_id: {_eq: 2}}}) { id }
      byProject: task(where: {project_id: {_in: [201, 202, 301]}}) { id }
      publicOnes: task(where: {project: {is_public: {_eq: true}}}, order_by: {id: asc}) { id }
      usersWithDeltaTasks: app_user(where: {tasks: {project_id: {_eq: 201}}}) { id }
      ownedByCid: project(where: {owner: {name: {_eq: "Cid"}}}) { id }
      deltaCount: task_aggregate(where: {project_id: {_eq: 201}}) { aggregate { count } }
    }`);
    expect(data.byTenant).toEqual([]);
    expect(data.byProject).toEqual([]);
    expect(data.publicOnes).toEqual(await rows('SELECT id FROM task WHERE project_id = 101 ORDER BY id LIMIT $1', [userTaskLimit]));
    // As admin, Ann has a task in project 201 and Cid owns project 103; the user role sees neither.
    expect(data.usersWithDeltaTasks).toEqual([]);
    expect(data.ownedByCid).toEqual([]);
    expect(data.deltaCount).toEqual({ aggregate: { count: 0 } });
    const admin = await ask(g.adminHeaders, '{ app_user(where: {tasks: {project_id: {_eq: 201}}}, order_by: {id: asc}) { id } project(where: {owner: {name: {_eq: "Cid"}}}, order_by: {id: asc}) { id } }');
    expect(admin).toEqual({ app_user: [{ id: 11 }, { id: 21 }, { id: 22 }], project: [{ id: 103 }, { id: 201 }] });
  });

  it('aggregates tasks (allow_aggregations) over its own rows only', async () => {
    const data = await ask(user(), `{
      borealis: task_aggregate(where: {project_id: {_eq: 102}}) { aggregate { count max { priority } } }
      nested: project(where: {id: {_eq: 101}}) { tasks_aggregate(where: {done: {_eq: false}}) { aggregate { count } } }
    }`);
    const [b] = await rows<{ count: number; max: number }>('SELECT count(*)::int AS count, max(priority) AS max FROM task WHERE project_id = 102');
    expect(data.borealis).toEqual({ aggregate: { count: b!.count, max: { priority: b!.max } } });
    const [n] = await rows<{ count: number }>('SELECT count(*)::int AS count FROM task WHERE project_id = 101 AND NOT done');
    expect(data.nested).toEqual([{ tasks_aggregate: { aggregate: { count: n!.count } } }]);
  });

  it('counts every permitted row but returns at most the limit as nodes (Hasura #1837)', async () => {
    const data = await ask(user(), '{ task_aggregate(order_by: {id: asc}) { aggregate { count } nodes { id } } }');
    const all = await rows<{ id: number }>('SELECT t.id FROM task t JOIN project p ON p.id = t.project_id WHERE p.tenant_id = 1 ORDER BY t.id');
    expect(data.task_aggregate).toEqual({ aggregate: { count: all.length }, nodes: all.slice(0, userTaskLimit) });
  });

  it('inserts a task into its tenant with the assignee preset from the session', async () => {
    const data = await ask(user(), `mutation {
      insert_task(objects: [{project_id: 102, title: "new one", priority: 7}]) { affected_rows returning { project_id assignee_id title done priority } }
    }`);
    expect(data.insert_task).toEqual({ affected_rows: 1, returning: [{ project_id: 102, assignee_id: 11, title: 'new one', done: false, priority: 7 }] });
    expect(await rows("SELECT project_id, assignee_id, done FROM task WHERE title = 'new one'")).toEqual([{ project_id: 102, assignee_id: 11, done: false }]);
  });

  it("refuses to insert into another tenant's project, and rolls back the whole batch", async () => {
    const before = await snapshot();
    expectError(await g.graphql('mutation { insert_task(objects: [{project_id: 201, title: "intruder"}]) { affected_rows } }', undefined, user()), {
      code: 'permission-error',
      message: 'check constraint of an insert/update permission has failed',
      path: '$.selectionSet.insert_task.args.objects',
    });
    expectError(
      await g.graphql('mutation { insert_task(objects: [{project_id: 101, title: "fine"}, {project_id: 301, title: "intruder"}]) { affected_rows } }', undefined, user()),
      { code: 'permission-error', message: 'check constraint of an insert/update permission has failed', path: '$.selectionSet.insert_task.args.objects' },
    );
    expectError(await g.graphql('mutation { insert_task_one(object: {project_id: 202, title: "intruder"}) { id } }', undefined, user()), {
      code: 'permission-error',
      message: 'check constraint of an insert/update permission has failed',
    });
    expect(await snapshot()).toBe(before);
  });

  it('reports the first field whose check fails, with the fields after it written and rolled back', async () => {
    // The fields of this mutation go out together; the second one runs in the database after the
    // first one's check failed. The answer must still be the first field's error, with nothing kept.
    const before = await snapshot();
    expectError(
      await g.graphql(`mutation {
        intruder: insert_task_one(object: {project_id: 201, title: "intruder"}) { id }
        fine: insert_task(objects: [{project_id: 101, title: "fine after intruder"}]) { affected_rows }
      }`, undefined, user()),
      { code: 'permission-error', message: 'check constraint of an insert/update permission has failed', path: '$.selectionSet.intruder.args.object' },
    );
    expect(await snapshot()).toBe(before);
  });

  it('cannot choose the assignee: the preset wins over the value the client sends', async () => {
    const result = await g.graphql('mutation { insert_task_one(object: {project_id: 101, title: "mine?", assignee_id: 12}) { assignee_id } }', undefined, user());
    // Hasura removes preset columns from the input type (validation-failed); Sluice keeps the
    // field and overrides it. Either way the client's value must never be stored.
    const body = result.body as { errors?: unknown };
    if (body.errors) expectNotFound(result, 'assignee_id', 'task_insert_input');
    else expect(dataOf(result).insert_task_one).toEqual({ assignee_id: 11 });
    expect(await rows("SELECT assignee_id FROM task WHERE title = 'mine?'")).toEqual(body.errors ? [] : [{ assignee_id: 11 }]);
  });

  it('hides preset columns from the insert input type, as Hasura does', async () => {
    expectNotFound(
      await g.graphql('mutation { insert_task_one(object: {project_id: 101, title: "x", assignee_id: 12}) { id } }', undefined, user()),
      'assignee_id',
      'task_insert_input',
      '$.selectionSet.insert_task_one.args.object.assignee_id',
    );
  });

  it('cannot insert columns outside the permission, nor nest an insert into a table it cannot write', async () => {
    const before = await snapshot();
    expectNotFound(await g.graphql('mutation { insert_task(objects: [{project_id: 101, title: "x", done: true}]) { affected_rows } }', undefined, user()), 'done', 'task_insert_input');
    expectNotFound(
      await g.graphql('mutation { insert_task(objects: [{title: "x", project: {data: {id: 900, name: "new"}}}]) { affected_rows } }', undefined, user()),
      'project',
      'task_insert_input',
    );
    expect(await snapshot()).toBe(before);
  });

  it('marks only its own tasks done', async () => {
    const others = await rows("SELECT * FROM task WHERE NOT (assignee_id IS NOT DISTINCT FROM 11 AND project_id IN (SELECT id FROM project WHERE tenant_id = 1)) ORDER BY id");
    const mine = await rows<{ id: number }>('SELECT t.id FROM task t JOIN project p ON p.id = t.project_id WHERE t.assignee_id = 11 AND p.tenant_id = 1 ORDER BY t.id');
    const data = await ask(user(), 'mutation { update_task(where: {}, _set: {done: true}) { affected_rows returning { id done } } }');
    const result = data.update_task as { affected_rows: number; returning: { id: number; done: boolean }[] };
    expect(result.affected_rows).toBe(mine.length);
    expect(result.returning.map((r) => r.id).sort((a, b) => a - b)).toEqual(mine.map((r) => r.id));
    expect(await rows('SELECT id FROM task WHERE assignee_id = 11 AND NOT done AND project_id IN (SELECT id FROM project WHERE tenant_id = 1)')).toEqual([]);
    expect(await rows("SELECT * FROM task WHERE NOT (assignee_id IS NOT DISTINCT FROM 11 AND project_id IN (SELECT id FROM project WHERE tenant_id = 1)) ORDER BY id")).toEqual(others);
  });

  it("leaves other users' tasks alone: affected_rows 0 and the database unchanged", async () => {
    const before = await snapshot();
    const data = await ask(user(), `mutation {
      bobs: update_task(where: {id: {_eq: 2}}, _set: {done: false}) { affected_rows }
      unassigned: update_task(where: {id: {_eq: 3}}, _set: {done: true}) { affected_rows }
      otherTenant: update_task(where: {id: {_eq: 14}}, _set: {done: true}) { affected_rows }
      byPk: update_task_by_pk(pk_columns: {id: 5}, _set: {done: true}) { id }
    }`);
    expect(data).toEqual({ bobs: { affected_rows: 0 }, unassigned: { affected_rows: 0 }, otherTenant: { affected_rows: 0 }, byPk: null });
    expect(await snapshot()).toBe(before);
  });

  it('updates only the done column', async () => {
    const before = await snapshot();
    expectNotFound(await g.graphql('mutation { update_task(where: {id: {_eq: 1}}, _set: {title: "renamed"}) { affected_rows } }', undefined, user()), 'title', 'task_set_input');
    expectNotFound(await g.graphql('mutation { update_task(where: {id: {_eq: 1}}, _set: {assignee_id: 12}) { affected_rows } }', undefined, user()), 'assignee_id', 'task_set_input');
    expect(await snapshot()).toBe(before);
  });

  it('reports a missing session variable only when a rule needs it', async () => {
    const noTenant = roleHeaders(g, 'user', { 'X-Hasura-User-Id': 11, 'X-Hasura-Tenant-Slug': 'acme' });
    expectError(await g.graphql('{ project { id } }', undefined, noTenant), { code: 'not-found', message: 'missing session variable: "x-hasura-tenant-id"', path: '$' });
    // The tenant rule uses the slug only.
    expect(await ask(noTenant, '{ tenant { id } }')).toEqual({ tenant: [{ id: 1 }] });
    const noUser = roleHeaders(g, 'user', { 'X-Hasura-Tenant-Id': 1 });
    const before = await snapshot();
    expectError(await g.graphql('mutation { insert_task(objects: [{project_id: 101, title: "who?"}]) { affected_rows } }', undefined, noUser), {
      code: 'not-found',
      message: 'missing session variable: "x-hasura-user-id"',
      path: '$',
    });
    expect(await snapshot()).toBe(before);
  });

  it('treats SQL in a session variable as a plain value', async () => {
    // The slug header equal to tenant 3's (SQL-looking) slug matches that tenant and nothing else.
    expect(await ask(user(11, 1, injectedSlug), '{ tenant { id name } }')).toEqual({ tenant: [{ id: 3, name: 'Injected' }] });
    expect(await ask(user(11, 1, "acme' OR '1'='1"), '{ tenant { id } }')).toEqual({ tenant: [] });
    expect(await ask(user(11, 1, 'acme"; DROP TABLE task; --'), '{ tenant { id } }')).toEqual({ tenant: [] });
    const sneaky = user(11, 1, 'acme');
    sneaky['x-hasura-tenant-id'] = '1 OR 1=1';
    expectError(await g.graphql('{ project { id } }', undefined, sneaky), { code: 'data-exception', message: 'invalid input syntax for type integer: "1 OR 1=1"', path: '$' });
    expect(await rows('SELECT count(*)::int AS n FROM task')).toEqual([{ n: 18 }]);
  });

  it('answers a clean data-exception, and no rows, when an integer session variable is not a number', async () => {
    const bad = user(11, 1, 'acme');
    bad['x-hasura-tenant-id'] = 'abc';
    const result = await g.graphql('{ project { id } task { id } }', undefined, bad);
    expectError(result, { code: 'data-exception', message: 'invalid input syntax for type integer: "abc"', path: '$' });
    expect(result.text).not.toContain('Apollo');
    const before = await snapshot();
    const badUser = user(11, 1, 'acme');
    badUser['x-hasura-user-id'] = '11abc';
    expectError(await g.graphql('mutation { update_task(where: {}, _set: {done: true}) { affected_rows } }', undefined, badUser), {
      code: 'data-exception',
      message: 'invalid input syntax for type integer: "11abc"',
    });
    expect(await snapshot()).toBe(before);
  });
});

describe('manager', () => {
  it('reads every column of every row of its tenant, and nothing of other tenants', async () => {
    const data = await ask(manager(), `{
      project(order_by: {id: asc}) { id tenant_id owner_id name is_public secret_notes }
      task(order_by: {id: asc}) { id project_id assignee_id title done priority }
      app_user(order_by: {id: asc}) { id tenant_id name email }
      tenant { id slug name plan }
    }`);
    expect(data.project).toEqual(await rows('SELECT * FROM project WHERE tenant_id = 1 ORDER BY id'));
    expect(data.task).toEqual(await rows('SELECT t.* FROM task t JOIN project p ON p.id = t.project_id WHERE p.tenant_id = 1 ORDER BY t.id'));
    expect(data.app_user).toEqual(await rows('SELECT * FROM app_user WHERE tenant_id = 1 ORDER BY id'));
    expect(data.tenant).toEqual(await rows('SELECT * FROM tenant WHERE id = 1'));
    const other = await ask(manager(22, 2), '{ project(order_by: {id: asc}) { id secret_notes } }');
    expect(other.project).toEqual(await rows('SELECT id, secret_notes FROM project WHERE tenant_id = 2 ORDER BY id'));
  });

  it('aggregates projects and tasks of its tenant', async () => {
    const data = await ask(manager(), '{ project_aggregate { aggregate { count } } task_aggregate { aggregate { count sum { priority } } } }');
    const [t] = await rows<{ count: number; sum: number }>('SELECT count(*)::int AS count, sum(priority)::int AS sum FROM task t JOIN project p ON p.id = t.project_id WHERE p.tenant_id = 1');
    expect(data).toEqual({ project_aggregate: { aggregate: { count: 3 } }, task_aggregate: { aggregate: { count: t!.count, sum: { priority: t!.sum } } } });
  });

  it('inserts a project whose tenant is preset from the session', async () => {
    const data = await ask(manager(), 'mutation { insert_project_one(object: {id: 104, name: "Dune", secret_notes: "spice"}) { id tenant_id name secret_notes } }');
    expect(data.insert_project_one).toEqual({ id: 104, tenant_id: 1, name: 'Dune', secret_notes: 'spice' });
    expect(await rows('SELECT tenant_id FROM project WHERE id = 104')).toEqual([{ tenant_id: 1 }]);
    expectNotFound(await g.graphql('mutation { insert_project_one(object: {id: 105, name: "x", tenant_id: 2}) { id } }', undefined, manager()), 'tenant_id', 'project_insert_input');
  });

  it("cannot move a task into another tenant's project (update check)", async () => {
    const before = await snapshot();
    expectError(await g.graphql('mutation { update_task(where: {id: {_eq: 1}}, _set: {project_id: 201}) { affected_rows } }', undefined, manager()), {
      code: 'permission-error',
      message: 'check constraint of an insert/update permission has failed',
    });
    expect(await snapshot()).toBe(before);
    const data = await ask(manager(), 'mutation { update_task(where: {id: {_eq: 1}}, _set: {project_id: 102, title: "moved"}) { affected_rows } }');
    expect(data.update_task).toEqual({ affected_rows: 1 });
    expect(await rows('SELECT project_id, title FROM task WHERE id = 1')).toEqual([{ project_id: 102, title: 'moved' }]);
  });

  it("updates nothing of another tenant", async () => {
    const before = await snapshot();
    const data = await ask(manager(), `mutation {
      projects: update_project(where: {tenant_id: {_eq: 2}}, _set: {name: "hijacked"}) { affected_rows }
      project: update_project_by_pk(pk_columns: {id: 201}, _set: {secret_notes: "x"}) { id }
      tasks: update_task(where: {project_id: {_eq: 201}}, _set: {done: true}) { affected_rows }
    }`);
    expect(data).toEqual({ projects: { affected_rows: 0 }, project: null, tasks: { affected_rows: 0 } });
    expect(await snapshot()).toBe(before);
  });

  it('deletes only rows of its tenant', async () => {
    const others = await rows('SELECT t.* FROM task t JOIN project p ON p.id = t.project_id WHERE p.tenant_id <> 1 ORDER BY t.id');
    const [mine] = await rows<{ n: number }>('SELECT count(*)::int AS n FROM task t JOIN project p ON p.id = t.project_id WHERE p.tenant_id = 1');
    const foreign = await ask(manager(), `mutation {
      byWhere: delete_task(where: {project_id: {_eq: 201}}) { affected_rows }
      byPk: delete_task_by_pk(id: 14) { id }
      project: delete_project_by_pk(id: 202) { id }
    }`);
    expect(foreign).toEqual({ byWhere: { affected_rows: 0 }, byPk: null, project: null });
    const data = await ask(manager(), 'mutation { delete_task(where: {}) { affected_rows } }');
    expect(data.delete_task).toEqual({ affected_rows: mine!.n });
    expect(await rows('SELECT * FROM task ORDER BY id')).toEqual(others);
    expect(await ask(manager(), 'mutation { delete_project_by_pk(id: 103) { id name } }')).toEqual({ delete_project_by_pk: { id: 103, name: 'Cosmos' } });
    expect(await rows('SELECT id FROM project ORDER BY id')).toEqual([{ id: 101 }, { id: 102 }, { id: 201 }, { id: 202 }, { id: 301 }]);
  });
});

describe('billing_service (a function acting as a service role)', () => {
  it('reads every tenant, but only the permitted columns', async () => {
    expect((await ask(billing(), '{ tenant(order_by: {id: asc}) { id name plan } }')).tenant).toEqual(await rows('SELECT id, name, plan FROM tenant ORDER BY id'));
    expectNotFound(await g.graphql('{ tenant { slug } }', undefined, billing()), 'slug', 'tenant');
    expectNotFound(await g.graphql('{ project { id } }', undefined, billing()), 'project', 'query_root');
    expectNotFound(await g.graphql('{ invoice { id } }', undefined, billing()), 'invoice', 'query_root');
  });

  it('issues invoices that pass the check, with the status preset', async () => {
    const data = await ask(billing(), 'mutation { insert_invoice(objects: [{tenant_id: 1, amount_cents: 1200, note: "march"}, {tenant_id: 2, amount_cents: 5}]) { affected_rows } }');
    expect(data.insert_invoice).toEqual({ affected_rows: 2 });
    expect(await rows('SELECT tenant_id, amount_cents, status, note FROM invoice ORDER BY id')).toEqual([
      { tenant_id: 1, amount_cents: 1200, status: 'issued', note: 'march' },
      { tenant_id: 2, amount_cents: 5, status: 'issued', note: null },
    ]);
  });

  it('refuses invoices that fail the check (amount, or a tenant on the free plan) and stores none', async () => {
    const before = await snapshot();
    for (const objects of ['[{tenant_id: 1, amount_cents: 0}]', '[{tenant_id: 1, amount_cents: 100}, {tenant_id: 3, amount_cents: 100}]']) {
      expectError(await g.graphql(`mutation { insert_invoice(objects: ${objects}) { affected_rows } }`, undefined, billing()), {
        code: 'permission-error',
        message: 'check constraint of an insert/update permission has failed',
        path: '$.selectionSet.insert_invoice.args.objects',
      });
    }
    expect(await snapshot()).toBe(before);
  });

  it('has no returning, no insert_one, no status column and no other writes', async () => {
    expectNotFound(await g.graphql('mutation { insert_invoice(objects: [{tenant_id: 1, amount_cents: 1}]) { returning { id } } }', undefined, billing()), 'returning', 'invoice_mutation_response');
    expectNotFound(await g.graphql('mutation { insert_invoice_one(object: {tenant_id: 1, amount_cents: 1}) { id } }', undefined, billing()), 'insert_invoice_one', 'mutation_root');
    expectNotFound(await g.graphql('mutation { insert_invoice(objects: [{tenant_id: 1, amount_cents: 1, status: "paid"}]) { affected_rows } }', undefined, billing()), 'status', 'invoice_insert_input');
    expectNotFound(await g.graphql('mutation { update_invoice(where: {}, _set: {status: "paid"}) { affected_rows } }', undefined, billing()), 'update_invoice', 'mutation_root');
    expect(await rows('SELECT count(*)::int AS n FROM invoice')).toEqual([{ n: 0 }]);
  });
});
