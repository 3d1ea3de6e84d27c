/**
 * A small multi-tenant schema for permission tests: tenants, their users, projects (with
 * `secret_notes`), tasks and invoices, plus the metadata (tracking, relationships, and the
 * permissions of the `anonymous`, `user`, `manager` and `billing_service` roles). Tables are
 * tracked explicitly (start the gateway with `SLUICE_AUTO_TRACK=false`) so the relationship
 * names are the ones below.
 */
import type { TestGateway } from './test-gateway.js';

export const tenantSchemaSql = `
  CREATE TABLE tenant (id int PRIMARY KEY, slug text NOT NULL UNIQUE, name text NOT NULL, plan text NOT NULL);
  CREATE TABLE app_user (id int PRIMARY KEY, tenant_id int NOT NULL REFERENCES tenant (id), name text NOT NULL, email text NOT NULL);
  CREATE TABLE project (
    id int PRIMARY KEY,
    tenant_id int NOT NULL REFERENCES tenant (id),
    owner_id int REFERENCES app_user (id),
    name text NOT NULL,
    is_public boolean NOT NULL DEFAULT false,
    secret_notes text
  );
  CREATE TABLE task (
    id serial PRIMARY KEY,
    project_id int NOT NULL REFERENCES project (id),
    assignee_id int REFERENCES app_user (id),
    title text NOT NULL,
    done boolean NOT NULL DEFAULT false,
    priority int NOT NULL DEFAULT 0
  );
  CREATE TABLE invoice (
    id serial PRIMARY KEY,
    tenant_id int NOT NULL REFERENCES tenant (id),
    amount_cents int NOT NULL,
    status text NOT NULL DEFAULT 'draft',
    note text
  );`;

/** Session variables a tenant's `user`/`manager` request carries. */
export const tenantVariable = 'X-Hasura-Tenant-Id';
export const userVariable = 'X-Hasura-User-Id';

const inTenant = { tenant_id: { _eq: tenantVariable } };
const taskInTenant = { project: inTenant };

const relationships = [
  { type: 'pg_create_object_relationship', args: { table: 'app_user', name: 'tenant', using: { foreign_key_constraint_on: 'tenant_id' } } },
  { type: 'pg_create_array_relationship', args: { table: 'tenant', name: 'users', using: { foreign_key_constraint_on: { table: 'app_user', column: 'tenant_id' } } } },
  { type: 'pg_create_object_relationship', args: { table: 'project', name: 'tenant', using: { foreign_key_constraint_on: 'tenant_id' } } },
  { type: 'pg_create_object_relationship', args: { table: 'project', name: 'owner', using: { foreign_key_constraint_on: 'owner_id' } } },
  { type: 'pg_create_array_relationship', args: { table: 'tenant', name: 'projects', using: { foreign_key_constraint_on: { table: 'project', column: 'tenant_id' } } } },
  { type: 'pg_create_array_relationship', args: { table: 'project', name: 'tasks', using: { foreign_key_constraint_on: { table: 'task', column: 'project_id' } } } },
  { type: 'pg_create_object_relationship', args: { table: 'task', name: 'project', using: { foreign_key_constraint_on: 'project_id' } } },
  { type: 'pg_create_object_relationship', args: { table: 'task', name: 'assignee', using: { foreign_key_constraint_on: 'assignee_id' } } },
  { type: 'pg_create_array_relationship', args: { table: 'app_user', name: 'tasks', using: { foreign_key_constraint_on: { table: 'task', column: 'assignee_id' } } } },
  { type: 'pg_create_object_relationship', args: { table: 'invoice', name: 'tenant', using: { foreign_key_constraint_on: 'tenant_id' } } },
  { type: 'pg_create_array_relationship', args: { table: 'tenant', name: 'invoices', using: { foreign_key_constraint_on: { table: 'invoice', column: 'tenant_id' } } } },
];

const permission = (kind: 'select' | 'insert' | 'update' | 'delete', table: string, role: string, perm: unknown) => ({
  type: `pg_create_${kind}_permission`,
  args: { table, role, permission: perm },
});

/** The user role's task select limit. */
export const userTaskLimit = 5;

export const permissions = [
  // anonymous (the unauthorized role): public projects only, no secret_notes, nothing else.
  permission('select', 'project', 'anonymous', { columns: ['id', 'tenant_id', 'name', 'is_public'], filter: { is_public: { _eq: true } } }),

  // user: reads its tenant; tasks through their project; adds tasks as itself; ticks off its own tasks.
  permission('select', 'tenant', 'user', { columns: ['id', 'slug', 'name'], filter: { slug: { _eq: 'X-Hasura-Tenant-Slug' } } }),
  permission('select', 'app_user', 'user', { columns: ['id', 'tenant_id', 'name'], filter: inTenant }),
  permission('select', 'project', 'user', { columns: ['id', 'tenant_id', 'owner_id', 'name', 'is_public'], filter: inTenant }),
  permission('select', 'task', 'user', {
    columns: ['id', 'project_id', 'assignee_id', 'title', 'done', 'priority'],
    filter: taskInTenant,
    limit: userTaskLimit,
    allow_aggregations: true,
  }),
  permission('insert', 'task', 'user', {
    columns: ['project_id', 'title', 'priority', 'assignee_id'],
    check: taskInTenant,
    set: { assignee_id: userVariable },
  }),
  permission('update', 'task', 'user', {
    columns: ['done'],
    filter: { _and: [{ assignee_id: { _eq: userVariable } }, taskInTenant] },
    check: { assignee_id: { _eq: userVariable } },
  }),

  // manager: everything in its tenant.
  permission('select', 'tenant', 'manager', { columns: '*', filter: { id: { _eq: tenantVariable } } }),
  permission('select', 'app_user', 'manager', { columns: '*', filter: inTenant, allow_aggregations: true }),
  permission('select', 'project', 'manager', { columns: '*', filter: inTenant, allow_aggregations: true }),
  permission('select', 'task', 'manager', { columns: '*', filter: taskInTenant, allow_aggregations: true }),
  permission('insert', 'project', 'manager', { columns: ['id', 'owner_id', 'name', 'is_public', 'secret_notes'], check: inTenant, set: { tenant_id: tenantVariable } }),
  permission('update', 'project', 'manager', { columns: ['owner_id', 'name', 'is_public', 'secret_notes'], filter: inTenant, check: inTenant }),
  permission('delete', 'project', 'manager', { filter: inTenant }),
  permission('insert', 'task', 'manager', { columns: '*', check: taskInTenant }),
  permission('update', 'task', 'manager', { columns: ['project_id', 'assignee_id', 'title', 'done', 'priority'], filter: taskInTenant, check: taskInTenant }),
  permission('delete', 'task', 'manager', { filter: taskInTenant }),

  // billing_service: a function's service role (admin secret + x-hasura-role); reads tenants, issues invoices.
  permission('select', 'tenant', 'billing_service', { columns: ['id', 'name', 'plan'], filter: {} }),
  permission('insert', 'invoice', 'billing_service', {
    columns: ['tenant_id', 'amount_cents', 'note'],
    check: { _and: [{ amount_cents: { _gt: 0 } }, { tenant: { plan: { _neq: 'free' } } }] },
    set: { status: 'issued' },
  }),
];

/** Tracks the tables, adds the relationships and the permissions, through `/v1/metadata`. */
export async function applyTenantMetadata(g: TestGateway): Promise<void> {
  const tables = ['tenant', 'app_user', 'project', 'task', 'invoice'].map((table) => ({ type: 'pg_track_table', args: { table } }));
  const result = await g.post('/v1/metadata', { type: 'bulk', args: [...tables, ...relationships, ...permissions] });
  if (result.status !== 200) throw new Error(`metadata failed (${result.status}): ${result.text}`);
}

/** Headers of a trusted request (admin secret) acting as `role` with these session variables. */
export function roleHeaders(g: TestGateway, role: string, variables: Record<string, string | number> = {}): Record<string, string> {
  const headers: Record<string, string> = { ...g.adminHeaders, 'x-hasura-role': role };
  for (const [name, value] of Object.entries(variables)) headers[name.toLowerCase()] = String(value);
  return headers;
}
