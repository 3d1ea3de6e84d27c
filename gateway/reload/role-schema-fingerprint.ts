import { createHash } from 'node:crypto';
import type { ResolvedSchema, ResolvedTable } from '../../schema/resolve/index.js';
import type { PermissionEntry, TableMetadata } from '../../schema/metadata/metadata.js';

/** Maps as sorted entries, so equal content always serialises equally. */
function replacer(_key: string, value: unknown): unknown {
  if (value instanceof Map) return [...value].sort(([a], [b]) => (String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0));
  if (value instanceof Set) return [...value].sort();
  return value;
}

function digest(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value, replacer)).digest('hex');
}

type PermissionKind = 'select_permissions' | 'insert_permissions' | 'update_permissions' | 'delete_permissions';
const permissionKinds: readonly PermissionKind[] = ['select_permissions', 'insert_permissions', 'update_permissions', 'delete_permissions'];

/** The role and every role it inherits from (inherited roles may nest); `admin` has none. */
function roleClosure(resolved: ResolvedSchema, role: string): ReadonlySet<string> {
  const roles = new Set<string>();
  const visit = (name: string): void => {
    if (roles.has(name)) return;
    roles.add(name);
    for (const parent of resolved.metadata.inherited_roles?.find((r) => r.role_name === name)?.role_set ?? []) visit(parent);
  };
  visit(role);
  return roles;
}

function permissionsOf(entry: TableMetadata | null, roles: ReadonlySet<string>): Record<string, readonly PermissionEntry<unknown>[]> {
  const slice: Record<string, readonly PermissionEntry<unknown>[]> = {};
  for (const kind of permissionKinds) {
    const entries = (entry?.[kind] ?? []) as readonly PermissionEntry<unknown>[];
    slice[kind] = entries.filter((e) => roles.has(e.role));
  }
  return slice;
}

/** Tables a permission rule reaches by `_exists`, which no relationship leads to. */
function existsTargets(rule: unknown, found: Set<string>): void {
  if (Array.isArray(rule)) {
    for (const item of rule) existsTargets(item, found);
  } else if (rule !== null && typeof rule === 'object') {
    for (const [key, value] of Object.entries(rule)) {
      if ((key === '_exists' || key === '$exists') && value !== null && typeof value === 'object') {
        const table = (value as { _table?: unknown })._table;
        if (typeof table === 'string') found.add(`public\u0000${table}`);
        else if (table !== null && typeof table === 'object') {
          const { schema, name } = table as { schema?: unknown; name?: unknown };
          found.add(`${typeof schema === 'string' ? schema : 'public'}\u0000${String(name)}`);
        }
      }
      existsTargets(value, found);
    }
  }
}

/**
 * Per schema state: a digest of what one role's GraphQL schema is built from. Two states that
 * give a role the same digest build that role the same schema, so a reload can keep the role's
 * schema — and the plans cached for it — instead of rebuilding it.
 *
 * A role's schema reads: the tables it has a permission on (its own or, for an inherited role, its
 * parents'), every table reachable from those by relationships, computed fields and `_exists`
 * (filters and nested fields walk them, and enum columns take their values from them), those
 * tables' shape and GraphQL names, the permissions of the role and its parents, and the tracked
 * functions. Other roles' permissions and event triggers are left out: changing them, or adding
 * a table no permission of the role reaches, leaves the role's digest as it was. Admin sees every
 * table and no permission, so only the shape counts for it.
 */
export class RoleSchemaFingerprints {
  private readonly tableDigests = new Map<string, string>();
  private globalDigest: string | undefined;

  constructor(private readonly resolved: ResolvedSchema) {}

  fingerprint(role: string, backendOnly: boolean): string {
    const admin = role === 'admin';
    const roles = admin ? new Set<string>() : roleClosure(this.resolved, role);
    const reached = admin ? this.resolved.tables.map((t) => t.key) : this.reachableTables(roles);
    const tables = reached.sort().map((key) => {
      const table = this.resolved.tablesByKey.get(key);
      return [key, table ? this.tableDigest(table) : null, admin || !table ? null : permissionsOf(table.metadata, roles)];
    });
    return digest({ global: this.global(), role, backendOnly, tables });
  }

  private reachableTables(roles: ReadonlySet<string>): string[] {
    const seen = new Set<string>();
    const queue: string[] = [];
    const add = (key: string): void => {
      if (!seen.has(key)) {
        seen.add(key);
        queue.push(key);
      }
    };
    for (const table of this.resolved.tables) {
      const slice = permissionsOf(table.metadata, roles);
      if (permissionKinds.some((kind) => (slice[kind]?.length ?? 0) > 0)) {
        add(table.key);
        const exists = new Set<string>();
        existsTargets(slice, exists);
        for (const key of exists) add(key);
      }
    }
    for (const fn of this.resolved.functions) add(fn.target);
    while (queue.length > 0) {
      const table = this.resolved.tablesByKey.get(queue.pop()!);
      if (!table) continue;
      for (const relationship of table.relationships) add(relationship.target);
      for (const field of table.computedFields) if (field.returns.kind === 'table') add(field.returns.target);
    }
    return [...seen];
  }

  /** A table's shape and names, without permissions and event triggers (digested per role). */
  private tableDigest(table: ResolvedTable): string {
    let found = this.tableDigests.get(table.key);
    if (found === undefined) {
      const entry = table.metadata;
      const shape = entry
        ? {
            ...entry,
            select_permissions: undefined,
            insert_permissions: undefined,
            update_permissions: undefined,
            delete_permissions: undefined,
            event_triggers: undefined,
          }
        : null;
      found = digest({ ...table, columnsByName: undefined, metadata: shape });
      this.tableDigests.set(table.key, found);
    }
    return found;
  }

  private global(): string {
    this.globalDigest ??= digest({
      functions: this.resolved.functions,
      inherited: this.resolved.metadata.inherited_roles ?? [],
      sources: this.resolved.metadata.sources.map((s) => ({ name: s.name, functions: s.functions, configuration: s.configuration })),
    });
    return this.globalDigest;
  }
}
