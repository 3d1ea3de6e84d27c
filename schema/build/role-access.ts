import type { ResolvedSchema, ResolvedTable } from '../resolve/index.js';
import type { PermissionEntry, SelectPermission } from '../metadata/metadata.js';
import type { DeleteAccess, InsertAccess, RoleAccess, SelectAccess, UpdateAccess } from './field-spec.js';

export interface RoleAccessOptions {
  /** The request carries the admin secret and `x-hasura-use-backend-only-permissions: true`. */
  readonly backendOnly: boolean;
}

type Rule = Readonly<Record<string, unknown>>;

function columnSet(table: ResolvedTable, columns: readonly string[] | '*' | undefined, allowed: (c: ResolvedTable['columns'][number]) => boolean): Set<string> {
  const wanted = columns === '*' ? null : new Set(columns ?? []);
  return new Set(table.columns.filter((c) => (wanted === null || wanted.has(c.name)) && allowed(c)).map((c) => c.name));
}

function permissionOf<P>(entries: readonly PermissionEntry<P>[] | undefined, role: string): P | undefined {
  return entries?.find((e) => e.role === role)?.permission;
}

function selectAccess(table: ResolvedTable, resolved: ResolvedSchema, permission: SelectPermission): SelectAccess {
  return {
    table,
    resolved,
    columns: columnSet(table, permission.columns, () => true),
    filter: (permission.filter ?? {}) as Rule,
    limit: permission.limit ?? null,
    allowAggregations: permission.allow_aggregations === true,
    rootFields: permission.query_root_fields ? new Set(permission.query_root_fields) : null,
    computedFields: new Set(permission.computed_fields ?? []),
  };
}

/**
 * Select access of an inherited role (Hasura §8): the union of its parents. Rows: any parent's
 * filter. Columns: those every parent grants are plain; one granted by only some parents is
 * shown only on rows those parents' filters allow (`CASE WHEN … THEN col END`) and cannot be
 * filtered or sorted on, so it never leaks through a predicate.
 */
function inheritedSelect(table: ResolvedTable, resolved: ResolvedSchema, parents: readonly SelectAccess[]): SelectAccess | undefined {
  if (parents.length === 0) return undefined;
  if (parents.length === 1) return parents[0];
  const columns = new Set(parents.flatMap((p) => [...p.columns]));
  const columnRules = new Map<string, Rule>();
  // A parent shows a column where its filter holds, and, if it is inherited itself, where that
  // column's own rule holds too.
  const shownBy = (p: SelectAccess, column: string): Rule => {
    const own = p.columnRules?.get(column);
    return own ? { _and: [p.filter ?? {}, own] } : (p.filter ?? {});
  };
  for (const column of columns) {
    const granting = parents.filter((p) => p.columns.has(column));
    if (granting.length < parents.length || granting.some((p) => p.columnRules?.has(column))) {
      columnRules.set(column, { _or: granting.map((p) => shownBy(p, column)) });
    }
  }
  const computedFields = new Set(parents.flatMap((p) => [...(p.computedFields ?? [])]));
  const computedFieldRules = new Map<string, Rule>();
  for (const field of computedFields) {
    const granting = parents.filter((p) => p.computedFields?.has(field));
    if (granting.length < parents.length || granting.some((p) => p.computedFieldRules?.has(field))) {
      computedFieldRules.set(field, {
        _or: granting.map((p) => {
          const own = p.computedFieldRules?.get(field);
          return own ? { _and: [p.filter ?? {}, own] } : (p.filter ?? {});
        }),
      });
    }
  }
  const limits = parents.map((p) => p.limit);
  return {
    table,
    resolved,
    columns,
    filter: { _or: parents.map((p) => p.filter ?? {}) },
    limit: limits.some((l) => l === null) ? null : Math.max(...(limits as number[])),
    allowAggregations: parents.some((p) => p.allowAggregations),
    rootFields: parents.some((p) => p.rootFields === null) ? null : new Set(parents.flatMap((p) => [...(p.rootFields ?? [])])),
    computedFields,
    columnRules,
    computedFieldRules,
  };
}

/**
 * What a role may do, from the permissions in metadata. Roles listed in `inherited_roles` get
 * the union of their parents' select permissions unless they have their own.
 */
export function roleAccess(resolved: ResolvedSchema, role: string, options: RoleAccessOptions): RoleAccess {
  const access = { select: new Map<string, SelectAccess>(), insert: new Map<string, InsertAccess>(), update: new Map<string, UpdateAccess>(), delete: new Map<string, DeleteAccess>() };
  const inherited = resolved.metadata.inherited_roles?.find((r) => r.role_name === role);
  const inheritedOf = (name: string) => resolved.metadata.inherited_roles?.find((r) => r.role_name === name);
  // A role's select access to a table: its own permission, or the union of its parents' (which
  // may be inherited roles themselves); `seen` stops cycles.
  const selectFor = (table: ResolvedTable, name: string, seen: ReadonlySet<string>): SelectAccess | undefined => {
    const own = permissionOf(table.metadata?.select_permissions, name);
    if (own) return selectAccess(table, resolved, own);
    const parents = inheritedOf(name);
    if (!parents || seen.has(name)) return undefined;
    const next = new Set([...seen, name]);
    return inheritedSelect(table, resolved, parents.role_set.flatMap((parent) => selectFor(table, parent, next) ?? []));
  };
  for (const table of resolved.tables) {
    const entry = table.metadata;
    const select = selectFor(table, role, new Set());
    if (select) access.select.set(table.key, select);
    // Inherited roles take a mutation permission when every parent that has one has the same.
    const mutationPermission = <P>(entries: readonly PermissionEntry<P>[] | undefined): P | undefined => {
      const own = permissionOf(entries, role);
      if (own || !inherited) return own;
      const found = inherited.role_set.flatMap((parent) => {
        const permission = permissionOf(entries, parent);
        return permission ? [permission] : [];
      });
      return found.length > 0 && found.every((p) => JSON.stringify(p) === JSON.stringify(found[0])) ? found[0] : undefined;
    };
    const insert = mutationPermission(entry?.insert_permissions);
    // An insert permission without `columns` (Hasura's v1 API) allows every column.
    // Preset columns are set by the permission, so they are not in the role's input (Hasura).
    const insertColumns = insert ? columnSet(table, insert.columns ?? '*', (c) => c.info.insertable && !(c.name in (insert.set ?? {}))) : new Set<string>();
    if (insert && insertColumns.size > 0 && table.info.insertable && (!insert.backend_only || options.backendOnly)) {
      access.insert.set(table.key, {
        table,
        resolved,
        columns: insertColumns,
        check: (insert.check ?? {}) as Rule,
        presets: insert.set ?? {},
      });
    }
    const update = mutationPermission(entry?.update_permissions);
    if (update && table.info.updatable && (!update.backend_only || options.backendOnly)) {
      access.update.set(table.key, {
        table,
        resolved,
        columns: columnSet(table, update.columns, (c) => c.info.updatable && !(c.name in (update.set ?? {}))),
        filter: (update.filter ?? {}) as Rule,
        check: (update.check ?? null) as Rule | null,
        presets: update.set ?? {},
      });
    }
    const remove = mutationPermission(entry?.delete_permissions);
    if (remove && table.info.deletable && (!remove.backend_only || options.backendOnly)) {
      access.delete.set(table.key, { table, resolved, filter: (remove.filter ?? {}) as Rule });
    }
  }
  return access;
}
