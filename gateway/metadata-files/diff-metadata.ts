/**
 * What replacing one metadata document by another changes, object by object: tracked tables,
 * relationships, computed fields, event triggers, permissions (with the columns and rules that
 * change), inherited roles, service keys and other sections. Pure: `formatDiff` prints it.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Metadata, TableMetadata } from '../../schema/metadata/metadata.js';
import type { QualifiedName } from '../../schema/model/database-model.js';
import { canonicalMetadata, canonicalTable } from './canonical-metadata.js';

export type ChangeAction = 'add' | 'remove' | 'change';

export type ChangedObject =
  | 'table'
  | 'table_setting'
  | 'object_relationship'
  | 'array_relationship'
  | 'computed_field'
  | 'event_trigger'
  | 'select_permission'
  | 'insert_permission'
  | 'update_permission'
  | 'delete_permission'
  | 'inherited_role'
  | 'service_key'
  | 'section';

/** One difference between a field's old and new value. */
export type FieldChange =
  | { readonly field: string; readonly kind: 'columns'; readonly added: readonly string[]; readonly removed: readonly string[] }
  | { readonly field: string; readonly kind: 'value'; readonly before: unknown; readonly after: unknown };

export interface MetadataChange {
  readonly action: ChangeAction;
  readonly object: ChangedObject;
  /** The table it belongs to (table-level objects). */
  readonly table?: QualifiedName;
  /** Relationship, field, trigger, key or section name; the role of a permission. */
  readonly name: string;
  /** For `change`: which fields changed; for `add`: the new object's fields. */
  readonly fields: readonly FieldChange[];
}

type Json = Record<string, unknown>;

/** Rule fields in the order a reviewer reads them; any others after, sorted. */
const fieldOrder = ['using', 'definition', 'columns', 'computed_fields', 'filter', 'check', 'set', 'limit', 'allow_aggregations', 'backend_only'];

function fieldChanges(before: Json, after: Json): FieldChange[] {
  const all = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  const keys = [...fieldOrder.filter((k) => all.includes(k)), ...all.filter((k) => !fieldOrder.includes(k))];
  const changes: FieldChange[] = [];
  for (const field of keys) {
    const [a, b] = [before[field], after[field]];
    if (isDeepStrictEqual(a, b)) continue;
    const listed = (v: unknown): v is unknown[] => Array.isArray(v) || v === undefined;
    if ((field === 'columns' || field === 'computed_fields') && listed(a) && listed(b)) {
      const [x, y] = [a ?? [], b ?? []];
      changes.push({ field, kind: 'columns', added: y.filter((c) => !x.includes(c)).map(String), removed: x.filter((c) => !y.includes(c)).map(String) });
    } else {
      changes.push({ field, kind: 'value', before: a, after: b });
    }
  }
  return changes;
}

/** A permission's rule fields, with the entry's comment alongside. */
function permissionFields(entry: Json | undefined): Json {
  if (!entry) return {};
  const { permission, comment } = entry as { permission: Json; comment?: unknown };
  return comment === undefined ? { ...permission } : { ...permission, comment };
}

function withoutKey(entry: Json, key: string): Json {
  const { [key]: _drop, ...rest } = entry;
  return rest;
}

/** Compares two lists of objects identified by `key`. */
function diffNamed(
  out: MetadataChange[],
  object: ChangedObject,
  table: QualifiedName | undefined,
  key: string,
  before: readonly Json[] | undefined,
  after: readonly Json[] | undefined,
  fieldsOf: (entry: Json | undefined) => Json = (entry) => (entry ? withoutKey(entry, key) : {}),
): void {
  const old = new Map((before ?? []).map((e) => [String(e[key]), e]));
  const next = new Map((after ?? []).map((e) => [String(e[key]), e]));
  const names = [...new Set([...old.keys(), ...next.keys()])].sort();
  for (const name of names) {
    const [a, b] = [old.get(name), next.get(name)];
    const base = table ? { object, table, name } : { object, name };
    if (a === undefined) out.push({ ...base, action: 'add', fields: fieldChanges({}, fieldsOf(b)) });
    else if (b === undefined) out.push({ ...base, action: 'remove', fields: [] });
    else if (!isDeepStrictEqual(a, b)) out.push({ ...base, action: 'change', fields: fieldChanges(fieldsOf(a), fieldsOf(b)) });
  }
}

const tableSettings = ['is_enum', 'configuration'] as const;
const permissionKinds = ['select', 'insert', 'update', 'delete'] as const;

function diffTable(out: MetadataChange[], before: TableMetadata | undefined, after: TableMetadata | undefined): void {
  const table = (after ?? before)!.table;
  const [a, b] = [(before ?? {}) as Json, (after ?? {}) as Json];
  if (!before) out.push({ action: 'add', object: 'table', table, name: `${table.schema}.${table.name}`, fields: [] });
  if (!after) {
    out.push({ action: 'remove', object: 'table', table, name: `${table.schema}.${table.name}`, fields: [] });
    return;
  }
  for (const setting of tableSettings) {
    if (isDeepStrictEqual(a[setting], b[setting])) continue;
    const action: ChangeAction = a[setting] === undefined ? 'add' : b[setting] === undefined ? 'remove' : 'change';
    out.push({ action, object: 'table_setting', table, name: setting, fields: fieldChanges({ [setting]: a[setting] }, { [setting]: b[setting] }) });
  }
  diffNamed(out, 'object_relationship', table, 'name', a.object_relationships as Json[], b.object_relationships as Json[]);
  diffNamed(out, 'array_relationship', table, 'name', a.array_relationships as Json[], b.array_relationships as Json[]);
  diffNamed(out, 'computed_field', table, 'name', a.computed_fields as Json[], b.computed_fields as Json[]);
  diffNamed(out, 'event_trigger', table, 'name', a.event_triggers as Json[], b.event_triggers as Json[]);
  for (const kind of permissionKinds) {
    const list = `${kind}_permissions`;
    diffNamed(out, `${kind}_permission`, table, 'role', a[list] as Json[], b[list] as Json[], permissionFields);
  }
}

/** The changes that turn `before` into `after` (both are canonicalised first). */
export function diffMetadata(before: Metadata, after: Metadata): MetadataChange[] {
  const [a, b] = [canonicalMetadata(before), canonicalMetadata(after)];
  const out: MetadataChange[] = [];
  const tablesOf = (m: Metadata): Map<string, TableMetadata> =>
    new Map((m.sources.find((s) => s.name === 'default')?.tables ?? []).map((t) => [`${t.table.schema}.${t.table.name}`, canonicalTable(t)]));
  const [oldTables, newTables] = [tablesOf(a), tablesOf(b)];
  const keys = [...new Set([...oldTables.keys(), ...newTables.keys()])].sort();
  for (const key of keys) diffTable(out, oldTables.get(key), newTables.get(key));
  diffNamed(out, 'inherited_role', undefined, 'role_name', a.inherited_roles as unknown as Json[], b.inherited_roles as unknown as Json[]);
  diffNamed(out, 'service_key', undefined, 'name', a.service_keys as unknown as Json[], b.service_keys as unknown as Json[]);
  const sourceRest = (m: Metadata): Json => withoutKey({ ...(m.sources.find((s) => s.name === 'default') ?? {}) } as Json, 'tables');
  const [ra, rb] = [sourceRest(a), sourceRest(b)];
  if (!isDeepStrictEqual(ra, rb)) out.push({ action: 'change', object: 'section', name: 'databases', fields: fieldChanges(ra, rb) });
  const sections = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => !['version', 'sources', 'inherited_roles', 'service_keys'].includes(k)).sort();
  for (const section of sections) {
    const [x, y] = [(a as unknown as Json)[section], (b as unknown as Json)[section]];
    if (isDeepStrictEqual(x, y)) continue;
    out.push({ action: x === undefined ? 'add' : y === undefined ? 'remove' : 'change', object: 'section', name: section, fields: [] });
  }
  return out;
}
