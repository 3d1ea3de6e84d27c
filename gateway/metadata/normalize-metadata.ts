/**
 * Accepts metadata as `replace_metadata` receives it — Hasura's v3 document, or the older
 * single-source v1/v2 form `{version?, tables, functions, ...}` — and returns a v3 document with
 * every table name written as `{schema, name}`. Keys Sluice does not use (actions, remote schemas
 * …) are kept as given so that an export gives them back.
 */
import { GatewayError } from '../errors/index.js';
import type { Metadata, SourceMetadata } from '../../schema/metadata/metadata.js';
import { expectArray, expectObject, isJsonObject, optionalString, parseTableName, requireKey, type JsonObject } from './parse-args.js';
import { compactTable, sameTable, type TableEntry } from './metadata-tables.js';
import { parseServiceKeys } from './parse-service-keys.js';

function normalizeTables(value: unknown, path: string): TableEntry[] {
  const tables = expectArray(value ?? [], path).map((item, i) => {
    const entry = expectObject(item, `${path}[${i}]`);
    const table = parseTableName(requireKey(entry, 'table', `${path}[${i}]`), `${path}[${i}].table`);
    return compactTable({ ...(entry as unknown as TableEntry), table });
  });
  tables.forEach((t, i) => {
    if (tables.findIndex((u) => sameTable(u.table, t.table)) !== i) {
      throw new GatewayError('already-tracked', `view/table already tracked: "${t.table.name}"`, { path: `${path}[${i}]` });
    }
  });
  return tables;
}

/** Legacy functions are `"name"`, `{schema, name}` or `{function, configuration}`. */
function normalizeFunctions(value: unknown, path: string): JsonObject[] {
  return expectArray(value ?? [], path).map((item, i) => {
    if (isJsonObject(item) && item.function !== undefined) {
      return { ...item, function: parseTableName(item.function, `${path}[${i}].function`) };
    }
    return { function: parseTableName(item, `${path}[${i}]`) };
  });
}

function normalizeSource(value: unknown, path: string): SourceMetadata {
  const source = expectObject(value, path);
  const name = optionalString(source, 'name', path) ?? 'default';
  if (name !== 'default') throw new GatewayError('not-supported', `only the "default" source is supported, not "${name}"`, { path });
  const functions = source.functions === undefined ? [] : normalizeFunctions(source.functions, `${path}.functions`);
  const { functions: _f, ...rest } = source;
  return {
    ...(rest as unknown as SourceMetadata),
    name,
    kind: 'postgres',
    tables: normalizeTables(source.tables, `${path}.tables`),
    ...(functions.length > 0 ? { functions: functions as unknown as SourceMetadata['functions'] } : {}),
  };
}

/** Sluice's `service_keys`, checked like the operations check them; other keys pass through. */
export function normalizeMetadata(value: unknown, path: string): Metadata {
  const metadata = normalizeDocument(value, path);
  if (metadata.service_keys === undefined || (metadata.service_keys as unknown) === null) {
    const { service_keys: _none, ...rest } = metadata;
    return rest;
  }
  return { ...metadata, service_keys: parseServiceKeys(metadata.service_keys, `${path}.service_keys`) };
}

function normalizeDocument(value: unknown, path: string): Metadata {
  const doc = expectObject(value, path);
  if (doc.version === 3) {
    const sources = expectArray(requireKey(doc, 'sources', path), `${path}.sources`).map((s, i) => normalizeSource(s, `${path}.sources[${i}]`));
    const base = sources.length > 0 ? sources : [{ name: 'default', kind: 'postgres' as const, tables: [] }];
    return { ...(doc as unknown as Metadata), version: 3, sources: base };
  }
  if (doc.version !== undefined && doc.version !== 1 && doc.version !== 2) {
    throw new GatewayError('parse-failed', `unsupported metadata version: ${JSON.stringify(doc.version)}`, { path: `${path}.version` });
  }
  const { version: _v, tables, functions, ...rest } = doc;
  const source = normalizeSource({ name: 'default', tables, functions }, path);
  return { ...(rest as object), version: 3, sources: [source] } as Metadata;
}
