/**
 * Renders a metadata document as the files of a metadata directory, deterministically: the same
 * metadata always gives the same bytes, whatever order the database returned it in.
 */
import { stringify } from 'yaml';
import type { Metadata, TableMetadata } from '../../schema/metadata/metadata.js';
import { canonicalMetadata, sortKeysDeep } from './canonical-metadata.js';
import {
  databasesFile,
  defaultSourceConfiguration,
  formatVersion,
  functionsIndexInclude,
  includeString,
  inheritedRolesFile,
  objectFileName,
  passThroughSections,
  sectionFile,
  serviceKeysFile,
  tablesIndexInclude,
  versionFile,
} from './directory-layout.js';

/** Keys in this order first (Hasura's export order), any others after in sorted order. */
function ordered(value: unknown, order: readonly string[], inner: (key: string, value: unknown) => unknown = (_k, v) => sortKeysDeep(v)): Record<string, unknown> {
  const object = value as Record<string, unknown>;
  const keys = [...order.filter((k) => k in object), ...Object.keys(object).filter((k) => !order.includes(k)).sort()];
  const out: Record<string, unknown> = {};
  for (const key of keys) if (object[key] !== undefined) out[key] = inner(key, object[key]);
  return out;
}

const tableOrder = [
  'table',
  'is_enum',
  'configuration',
  'object_relationships',
  'array_relationships',
  'computed_fields',
  'insert_permissions',
  'select_permissions',
  'update_permissions',
  'delete_permissions',
  'event_triggers',
];
const permissionOrder = ['columns', 'computed_fields', 'filter', 'check', 'set', 'limit', 'allow_aggregations', 'query_root_fields', 'subscription_root_fields', 'backend_only'];

function renderTable(entry: TableMetadata): unknown {
  return ordered(entry, tableOrder, (key, value) => {
    if (key === 'table') return ordered(value, ['name', 'schema']);
    if (key.endsWith('_relationships') || key === 'computed_fields') return (value as unknown[]).map((r) => ordered(r, ['name', 'using', 'definition', 'comment']));
    if (key === 'event_triggers') return (value as unknown[]).map((t) => ordered(t, ['name', 'definition', 'retry_conf', 'webhook', 'webhook_from_env', 'headers']));
    if (key.endsWith('_permissions')) {
      return (value as unknown[]).map((p) => ordered(p, ['role', 'permission', 'comment'], (k, v) => (k === 'permission' ? ordered(v, permissionOrder) : sortKeysDeep(v))));
    }
    return sortKeysDeep(value);
  });
}

function yaml(value: unknown): string {
  return stringify(value, { lineWidth: 0, indentSeq: true, aliasDuplicateObjects: false });
}

/**
 * File path (relative, `/`-separated) → content. `version.yaml`, `databases/databases.yaml`,
 * the tables index, `inherited_roles.yaml` and `sluice/service_keys.yaml` are always written, as
 * Hasura always writes its top-level files.
 */
export function renderMetadataDirectory(metadata: Metadata): Map<string, string> {
  const canonical = canonicalMetadata(metadata);
  const files = new Map<string, string>();
  files.set(versionFile, yaml({ version: formatVersion }));
  const sources = canonical.sources.map((source) => {
    const { tables, ...rest } = source;
    const functions = (rest as { functions?: { function: { name: string; schema: string } }[] }).functions;
    const tableIncludes = tables.map((entry) => {
      const name = objectFileName(entry.table);
      const path = `databases/${source.name}/tables/${name}`;
      if (files.has(path)) throw new Error(`two tables would be written to ${path}; rename one of them`);
      files.set(path, yaml(renderTable(entry)));
      return includeString(name);
    });
    files.set(`databases/${tablesIndexInclude(source.name)}`, yaml(tableIncludes));
    const entry: Record<string, unknown> = {
      ...ordered({ ...rest, configuration: rest.configuration ?? defaultSourceConfiguration }, ['name', 'kind', 'configuration', 'customization']),
      tables: includeString(tablesIndexInclude(source.name)),
    };
    delete entry.functions;
    if (functions && functions.length > 0) {
      const functionIncludes = functions.map((fn) => {
        const name = objectFileName(fn.function);
        files.set(`databases/${source.name}/functions/${name}`, yaml(ordered(fn, ['function', 'configuration', 'permissions'])));
        return includeString(name);
      });
      files.set(`databases/${functionsIndexInclude(source.name)}`, yaml(functionIncludes));
      entry.functions = includeString(functionsIndexInclude(source.name));
    }
    return entry;
  });
  files.set(databasesFile, yaml(sources));
  files.set(inheritedRolesFile, yaml((canonical.inherited_roles ?? []).map((r) => ordered(r, ['role_name', 'role_set']))));
  files.set(serviceKeysFile, yaml((canonical.service_keys ?? []).map((k) => ordered(k, ['name', 'roles', 'key_hash', 'expires_at', 'comment']))));
  for (const [key, value] of Object.entries(canonical)) {
    if (['version', 'sources', 'inherited_roles', 'service_keys'].includes(key)) continue;
    if (!(passThroughSections as readonly string[]).includes(key)) throw new Error(`the metadata section "${key}" has no file in the directory layout`);
    files.set(sectionFile(key), yaml(value));
  }
  return files;
}
