/**
 * Property test of the `user` role's row filter (reference §8): a seeded PRNG builds random
 * `where` (columns, `_and`/`_or`/`_not`, object relationships), `order_by`, `limit` and `offset`
 * arguments for `task`. The oracle is the same condition written in SQL over the rows the role
 * may see, with the target table's filter inside every relationship hop and the permission limit
 * capping the query's. With a total order the answer must equal the oracle, row for row; without
 * one, it must be a subset of the oracle's rows of the right size.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, startTestGateway, type TestGateway } from '../support/test-gateway.js';
import { applyTenantMetadata, roleHeaders, tenantSchemaSql, userTaskLimit } from '../support/tenant-fixture.js';

/** mulberry32: small, fast and good enough to pick test cases reproducibly. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const seed = 20240611;
const cases = 200;

type Random = () => number;
const pick = <T>(r: Random, items: readonly T[]): T => items[Math.floor(r() * items.length)]!;
const chance = (r: Random, p: number): boolean => r() < p;

// ---- data -------------------------------------------------------------------------------------

const names = ['Ann', 'Bob', 'Cid', 'Dee', "O'Hara", 'ann'];
const projectNames = ['Apollo', 'Borealis', 'Cosmos', 'Delta', 'apollo', '100%'];
const words = ['alpha', 'beta', 'gamma', 'Alpha', 'del_ta', 'x%y'];

function seedSql(r: Random): string {
  const tenants = [1, 2, 3];
  const users = tenants.flatMap((t) => [1, 2, 3, 4].map((i) => ({ id: t * 10 + i, tenant: t })));
  const projects = tenants.flatMap((t) => [1, 2, 3, 4].map((i) => ({ id: t * 100 + i, tenant: t })));
  const quote = (s: string) => `'${s.replaceAll("'", "''")}'`;
  const lines = [
    `INSERT INTO tenant VALUES ${tenants.map((t) => `(${t}, 't${t}', 'Tenant ${t}', 'pro')`).join(', ')};`,
    `INSERT INTO app_user VALUES ${users.map((u) => `(${u.id}, ${u.tenant}, ${quote(pick(r, names))}, 'u${u.id}@test')`).join(', ')};`,
    // Owners are sometimes users of another tenant.
    `INSERT INTO project VALUES ${projects
      .map((p) => `(${p.id}, ${p.tenant}, ${chance(r, 0.15) ? 'NULL' : pick(r, users).id}, ${quote(pick(r, projectNames))}, ${chance(r, 0.5)}, 's${p.id}')`)
      .join(', ')};`,
  ];
  const tasks: string[] = [];
  for (let id = 1; id <= 120; id++) {
    const project = pick(r, projects);
    const sameTenant = users.filter((u) => u.tenant === project.tenant);
    // Mostly assigned within the tenant, sometimes across tenants, sometimes to nobody.
    const assignee = chance(r, 0.2) ? 'NULL' : String(pick(r, chance(r, 0.8) ? sameTenant : users).id);
    tasks.push(`(${id}, ${project.id}, ${assignee}, ${quote(`${pick(r, words)} ${id % 7}`)}, ${chance(r, 0.4)}, ${Math.floor(r() * 6)})`);
  }
  lines.push(`INSERT INTO task (id, project_id, assignee_id, title, done, priority) VALUES ${tasks.join(', ')};`);
  return lines.join('\n');
}

// ---- random arguments -------------------------------------------------------------------------

type Kind = 'int' | 'text' | 'bool';
interface Column {
  readonly name: string;
  readonly kind: Kind;
  readonly nullable?: boolean;
}

const taskColumns: Column[] = [
  { name: 'id', kind: 'int' },
  { name: 'project_id', kind: 'int' },
  { name: 'assignee_id', kind: 'int', nullable: true },
  { name: 'title', kind: 'text' },
  { name: 'done', kind: 'bool' },
  { name: 'priority', kind: 'int' },
];
const projectColumns: Column[] = [
  { name: 'id', kind: 'int' },
  { name: 'tenant_id', kind: 'int' },
  { name: 'owner_id', kind: 'int', nullable: true },
  { name: 'name', kind: 'text' },
  { name: 'is_public', kind: 'bool' },
];
const userColumns: Column[] = [
  { name: 'id', kind: 'int' },
  { name: 'tenant_id', kind: 'int' },
  { name: 'name', kind: 'text' },
];

interface Relationship {
  readonly name: string;
  readonly table: 'project' | 'app_user';
  /** Column of the source row that references the target's `id`. */
  readonly via: string;
  readonly columns: Column[];
  readonly next: Relationship[];
}
const ownerRel: Relationship = { name: 'owner', table: 'app_user', via: 'owner_id', columns: userColumns, next: [] };
const projectRel: Relationship = { name: 'project', table: 'project', via: 'project_id', columns: projectColumns, next: [ownerRel] };
const assigneeRel: Relationship = { name: 'assignee', table: 'app_user', via: 'assignee_id', columns: userColumns, next: [] };
const taskRels = [projectRel, assigneeRel];

/** A `where` as a plain object (the GraphQL value) — turned into GraphQL and SQL below. */
type Where = { readonly [key: string]: unknown };

function randomValue(r: Random, column: Column): unknown {
  switch (column.kind) {
    case 'bool':
      return chance(r, 0.5);
    case 'text': {
      const pool = column.name === 'title' ? words.map((w) => `${w} ${Math.floor(r() * 7)}`) : column.name === 'name' && projectColumns.includes(column) ? projectNames : names;
      return pick(r, [...pool, 'nobody']);
    }
    case 'int': {
      const ranges: Record<string, () => number> = {
        id: () => 1 + Math.floor(r() * 125),
        project_id: () => pick(r, [101, 102, 103, 104, 201, 202, 203, 204, 301, 302, 303, 304]),
        assignee_id: () => pick(r, [11, 12, 13, 14, 21, 22, 23, 24, 31, 32]),
        owner_id: () => pick(r, [11, 12, 13, 14, 21, 22, 31]),
        tenant_id: () => pick(r, [1, 2, 3]),
        priority: () => Math.floor(r() * 7) - 1,
      };
      return (ranges[column.name] ?? (() => Math.floor(r() * 5)))();
    }
  }
}

function randomComparison(r: Random, column: Column): Where {
  const ops: Record<Kind, string[]> = {
    int: ['_eq', '_neq', '_gt', '_lt', '_gte', '_lte', '_in', '_nin'],
    text: ['_eq', '_neq', '_gt', '_lte', '_in', '_nin', '_like', '_nlike', '_ilike', '_nilike'],
    bool: ['_eq', '_neq'],
  };
  const candidates = [...ops[column.kind], ...(column.nullable ? ['_is_null'] : [])];
  const op = pick(r, candidates);
  if (op === '_is_null') return { [op]: chance(r, 0.5) };
  if (op === '_in' || op === '_nin') return { [op]: Array.from({ length: 1 + Math.floor(r() * 3) }, () => randomValue(r, column)) };
  if (op.endsWith('like')) {
    const base = String(randomValue(r, column));
    const pattern = pick(r, [`${base.slice(0, 2)}%`, `%${base.slice(-2)}`, `%${base.slice(1, 3)}%`, base.replace(/./, '_'), '%\\%%']);
    return { [op]: pattern };
  }
  return { [op]: randomValue(r, column) };
}

function randomWhere(r: Random, columns: Column[], rels: Relationship[], depth: number): Where {
  const roll = r();
  if (depth > 0 && roll < 0.15) return { _and: Array.from({ length: 1 + Math.floor(r() * 3) }, () => randomWhere(r, columns, rels, depth - 1)) };
  if (depth > 0 && roll < 0.3) return { _or: Array.from({ length: 1 + Math.floor(r() * 3) }, () => randomWhere(r, columns, rels, depth - 1)) };
  if (depth > 0 && roll < 0.4) return { _not: randomWhere(r, columns, rels, depth - 1) };
  if (depth > 0 && rels.length > 0 && roll < 0.6) {
    const rel = pick(r, rels);
    return { [rel.name]: randomWhere(r, rel.columns, rel.next, depth - 1) };
  }
  const column = pick(r, columns);
  const where: Record<string, unknown> = { [column.name]: randomComparison(r, column) };
  // Sometimes two keys in one object: an implicit AND.
  if (chance(r, 0.2)) {
    const other = pick(r, columns);
    if (other.name !== column.name) where[other.name] = randomComparison(r, other);
  }
  return where;
}

interface OrderKey {
  /** The GraphQL value of one `order_by` element. */
  readonly graphql: Where;
  /** The SQL expression and direction. */
  readonly sql: string;
}

const directions: Record<string, string> = {
  asc: 'ASC NULLS LAST',
  desc: 'DESC NULLS FIRST',
  asc_nulls_first: 'ASC NULLS FIRST',
  asc_nulls_last: 'ASC NULLS LAST',
  desc_nulls_first: 'DESC NULLS FIRST',
  desc_nulls_last: 'DESC NULLS LAST',
};

function randomOrder(r: Random, tenantParam: string): { keys: OrderKey[]; total: boolean } {
  const keys: OrderKey[] = [];
  const count = Math.floor(r() * 3);
  for (let i = 0; i < count; i++) {
    const direction = pick(r, Object.keys(directions));
    const choice = r();
    if (choice < 0.2) {
      keys.push({ graphql: { project: { name: direction } }, sql: `(SELECT p.name FROM project p WHERE p.id = t.project_id AND p.tenant_id = ${tenantParam}) ${directions[direction]}` });
    } else if (choice < 0.35) {
      // The assignee of another tenant is hidden: it sorts as NULL.
      keys.push({ graphql: { assignee: { name: direction } }, sql: `(SELECT a.name FROM app_user a WHERE a.id = t.assignee_id AND a.tenant_id = ${tenantParam}) ${directions[direction]}` });
    } else {
      const column = pick(r, taskColumns.filter((c) => c.name !== 'id'));
      keys.push({ graphql: { [column.name]: direction }, sql: `t.${column.name} ${directions[direction]}` });
    }
  }
  const total = chance(r, 0.7);
  if (total) {
    const direction = pick(r, ['asc', 'desc']);
    keys.push({ graphql: { id: direction }, sql: `t.id ${directions[direction]}` });
  }
  return { keys, total };
}

// ---- GraphQL and SQL renderings ---------------------------------------------------------------

function gql(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(gql).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value).map(([k, v]) => `${k}: ${gql(v)}`).join(', ')}}`;
  }
  if (typeof value === 'string' && /^(asc|desc)(_nulls_(first|last))?$/.test(value)) return value;
  return JSON.stringify(value);
}

const sqlOps: Record<string, string> = { _eq: '=', _neq: '<>', _gt: '>', _lt: '<', _gte: '>=', _lte: '<=', _like: 'LIKE', _nlike: 'NOT LIKE', _ilike: 'ILIKE', _nilike: 'NOT ILIKE' };
const permittedFilter: Record<string, string> = { project: 'tenant_id', app_user: 'tenant_id' };

class SqlBuilder {
  readonly params: unknown[] = [];
  private aliases = 0;

  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  where(where: Where, alias: string, columns: Column[], rels: Relationship[], tenant: string): string {
    const parts: string[] = [];
    for (const [key, value] of Object.entries(where)) {
      if (key === '_and' || key === '_or') {
        const items = (value as Where[]).map((w) => this.where(w, alias, columns, rels, tenant));
        parts.push(`(${items.join(key === '_and' ? ' AND ' : ' OR ')})`);
      } else if (key === '_not') {
        parts.push(`(NOT ${this.where(value as Where, alias, columns, rels, tenant)})`);
      } else if (rels.some((rel) => rel.name === key)) {
        const rel = rels.find((x) => x.name === key)!;
        const next = `r${++this.aliases}`;
        // The target table's select filter applies inside the hop.
        const inner = this.where(value as Where, next, rel.columns, rel.next, tenant);
        parts.push(`EXISTS (SELECT 1 FROM ${rel.table} ${next} WHERE ${next}.id = ${alias}.${rel.via} AND ${next}.${permittedFilter[rel.table]} = ${tenant} AND ${inner})`);
      } else {
        const column = columns.find((c) => c.name === key)!;
        for (const [op, operand] of Object.entries(value as Where)) {
          const ref = `${alias}.${column.name}`;
          if (op === '_is_null') parts.push(operand ? `${ref} IS NULL` : `${ref} IS NOT NULL`);
          else if (op === '_in') parts.push(`${ref} = ANY(${this.param(operand)})`);
          else if (op === '_nin') parts.push(`NOT (${ref} = ANY(${this.param(operand)}))`);
          else parts.push(`${ref} ${sqlOps[op]} ${this.param(operand)}`);
        }
      }
    }
    return parts.length === 0 ? 'true' : `(${parts.join(' AND ')})`;
  }
}

// ---- the test ---------------------------------------------------------------------------------

let g: TestGateway;

beforeAll(async () => {
  g = await startTestGateway({
    example: false,
    setupSql: `${tenantSchemaSql}\n${seedSql(prng(seed))}`,
    env: { SLUICE_ADMIN_SECRET: 'property-secret', SLUICE_AUTO_TRACK: 'false' },
  });
  await applyTenantMetadata(g);
});

afterAll(async () => {
  await g?.close();
});

describe('the user role under random where/order_by/limit/offset', () => {
  it(`returns exactly the permitted rows the oracle returns (${cases} cases, seed ${seed})`, async () => {
    const r = prng(seed + 1);
    const permitted = new Map<number, Set<number>>();
    for (const tenant of [1, 2]) {
      const ids = (await g.db.pool.query<{ id: number }>('SELECT t.id FROM task t JOIN project p ON p.id = t.project_id WHERE p.tenant_id = $1', [tenant])).rows;
      permitted.set(tenant, new Set(ids.map((x) => x.id)));
    }
    let nonEmpty = 0;
    let total = 0;
    for (let i = 0; i < cases; i++) {
      const tenant = pick(r, [1, 2]);
      const userId = tenant * 10 + 1;
      const where = chance(r, 0.1) ? undefined : randomWhere(r, taskColumns, taskRels, 3);
      const sql = new SqlBuilder();
      const tenantParam = sql.param(tenant);
      const order = randomOrder(r, tenantParam);
      const limit = chance(r, 0.5) ? pick(r, [0, 1, 3, 5, 10, 100]) : undefined;
      const offset = chance(r, 0.3) ? pick(r, [0, 1, 4, 30]) : undefined;

      const args = [
        where ? `where: ${gql(where)}` : '',
        order.keys.length > 0 ? `order_by: ${gql(order.keys.map((k) => k.graphql))}` : '',
        limit !== undefined ? `limit: ${limit}` : '',
        offset !== undefined ? `offset: ${offset}` : '',
      ].filter((a) => a !== '');
      const query = `{ task${args.length > 0 ? `(${args.join(', ')})` : ''} { id } }`;
      const headers = roleHeaders(g, 'user', { 'X-Hasura-Tenant-Id': tenant, 'X-Hasura-User-Id': userId, 'X-Hasura-Tenant-Slug': `t${tenant}` });
      const answer = dataOf(await g.graphql(query, undefined, headers)).task as { id: number }[];
      const got = answer.map((row) => row.id);

      const condition = where ? sql.where(where, 't', taskColumns, taskRels, tenantParam) : 'true';
      const base = `FROM task t JOIN project p0 ON p0.id = t.project_id WHERE p0.tenant_id = ${tenantParam} AND ${condition}`;
      const all = (await g.db.pool.query<{ id: number }>(`SELECT t.id ${base}`, sql.params)).rows.map((x) => x.id);
      const effectiveLimit = Math.min(limit ?? userTaskLimit, userTaskLimit);
      const context = `case ${i}: ${query} (tenant ${tenant})`;

      // Every row satisfies the role's filter and the query's where.
      for (const id of got) expect(permitted.get(tenant)!.has(id), context).toBe(true);
      expect(new Set(got).size, context).toBe(got.length);
      for (const id of got) expect(all, context).toContain(id);
      expect(got.length, context).toBe(Math.max(0, Math.min(effectiveLimit, all.length - (offset ?? 0))));
      if (order.total) {
        const ordered = (
          await g.db.pool.query<{ id: number }>(`SELECT t.id ${base} ORDER BY ${order.keys.map((k) => k.sql).join(', ')} LIMIT ${effectiveLimit} OFFSET ${offset ?? 0}`, sql.params)
        ).rows.map((x) => x.id);
        expect(got, context).toEqual(ordered);
      } else if (limit === undefined && offset === undefined && all.length <= userTaskLimit) {
        expect([...got].sort((a, b) => a - b), context).toEqual([...all].sort((a, b) => a - b));
      }
      total++;
      if (got.length > 0) nonEmpty++;
    }
    expect(total).toBe(cases);
    // The generator must produce a useful mix, not mostly empty answers.
    expect(nonEmpty).toBeGreaterThan(cases / 4);
  }, 60_000);
});
