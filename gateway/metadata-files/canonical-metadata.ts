/**
 * The canonical form of a metadata document: the order of tables, relationships, permissions and
 * object keys carries no meaning, so it is fixed (sorted), table names are `{name, schema}`, and
 * empty optional lists are dropped. Two documents mean the same when their canonical forms are
 * deep-equal; the directory writer emits exactly this form, which keeps git diffs minimal however
 * the database happened to order things (jsonb reorders object keys).
 */
import { isDeepStrictEqual } from 'node:util';
import type { Metadata, SourceMetadata, TableMetadata } from '../../schema/metadata/metadata.js';
import type { QualifiedName } from '../../schema/model/database-model.js';
import { defaultSourceConfiguration } from './directory-layout.js';

type Json = unknown;

/** Object keys sorted recursively; arrays keep their order. */
export function sortKeysDeep(value: Json): Json {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, Json> = {};
  for (const key of Object.keys(value).sort()) {
    const item = (value as Record<string, Json>)[key];
    if (item !== undefined) out[key] = sortKeysDeep(item);
  }
  return out;
}

export function qualifiedName(table: QualifiedName | string): QualifiedName {
  return typeof table === 'string' ? { name: table, schema: 'public' } : { name: table.name, schema: table.schema ?? 'public' };
}

export function compareNames(a: QualifiedName, b: QualifiedName): number {
  return a.schema === b.schema ? compareText(a.name, b.name) : compareText(a.schema, b.schema);
}

/** Code-point order, independent of the machine's locale. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortedBy<T>(list: readonly T[] | undefined, key: (item: T) => string): T[] | undefined {
  if (!list || list.length === 0) return undefined;
  return [...list].sort((a, b) => compareText(key(a), key(b)));
}

const namedLists = ['object_relationships', 'array_relationships', 'computed_fields', 'event_triggers'] as const;
const permissionLists = ['select_permissions', 'insert_permissions', 'update_permissions', 'delete_permissions'] as const;

export function canonicalTable(entry: TableMetadata): TableMetadata {
  const out: Record<string, Json> = {};
  for (const [key, value] of Object.entries(entry)) {
    if (value === undefined || (Array.isArray(value) && value.length === 0)) continue;
    if (key === 'table') out.table = qualifiedName(value as QualifiedName);
    else if ((namedLists as readonly string[]).includes(key)) out[key] = sortKeysDeep(sortedBy(value as { name: string }[], (r) => r.name));
    else if ((permissionLists as readonly string[]).includes(key)) out[key] = sortKeysDeep(sortedBy(value as { role: string }[], (p) => p.role));
    else out[key] = sortKeysDeep(value);
  }
  return sortKeysDeep(out) as TableMetadata;
}

function canonicalSource(source: SourceMetadata): SourceMetadata {
  const { tables, ...rest } = source as SourceMetadata & { functions?: { function: QualifiedName | string }[] };
  const out: Record<string, Json> = { ...(sortKeysDeep(rest) as object) };
  if (isDeepStrictEqual(out.configuration, defaultSourceConfiguration)) delete out.configuration;
  out.tables = [...tables].map(canonicalTable).sort((a, b) => compareNames(a.table, b.table));
  const functions = (rest as { functions?: { function: QualifiedName | string }[] }).functions;
  if (functions && functions.length > 0) {
    out.functions = sortKeysDeep(
      functions.map((f) => ({ ...f, function: qualifiedName(f.function) })).sort((a, b) => compareNames(a.function, b.function)),
    );
  } else delete out.functions;
  return out as unknown as SourceMetadata;
}

export function canonicalMetadata(metadata: Metadata): Metadata {
  const out: Record<string, Json> = {};
  for (const [key, value] of Object.entries(metadata)) {
    if (value === undefined) continue;
    if (key === 'sources') {
      out.sources = (value as SourceMetadata[]).map(canonicalSource).sort((a, b) => compareText(a.name, b.name));
    } else if (key === 'inherited_roles' || key === 'service_keys') {
      const sorted = sortedBy(value as Record<string, string>[], (item) => item.role_name ?? item.name ?? '');
      if (sorted) out[key] = sortKeysDeep(sorted);
    } else out[key] = sortKeysDeep(value);
  }
  return out as unknown as Metadata;
}

/** True when the two documents mean the same metadata. */
export function sameMetadata(a: Metadata, b: Metadata): boolean {
  return isDeepStrictEqual(canonicalMetadata(a), canonicalMetadata(b));
}

/** The metadata of a fresh catalog: nothing tracked, no roles, no keys. */
export function isEmptyMetadata(metadata: Metadata): boolean {
  const canonical = canonicalMetadata(metadata);
  return Object.keys(canonical).every((key) => key === 'version' || key === 'sources') && canonical.sources.every((s) => s.tables.length === 0);
}
