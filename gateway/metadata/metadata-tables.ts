/**
 * Immutable edits of the tracked-table list of the `default` source. Operations never mutate the
 * loaded document: they return a new one, so a failed validation leaves nothing half-changed.
 */
import { GatewayError } from '../errors/index.js';
import type { ComputedFieldMetadata, Metadata, SourceMetadata, TableMetadata } from '../../schema/metadata/metadata.js';
import type { QualifiedName } from '../../schema/model/database-model.js';

export type { ComputedFieldMetadata };

/** A table entry of the metadata document (computed fields included). */
export type TableEntry = TableMetadata;

/** How Hasura prints a table in messages: bare name in `public`, `schema.name` elsewhere. */
export function displayTableName(name: QualifiedName): string {
  return name.schema === 'public' ? name.name : `${name.schema}.${name.name}`;
}

export function sameTable(a: QualifiedName, b: QualifiedName): boolean {
  return a.schema === b.schema && a.name === b.name;
}

/** Metadata writes a table either as `"name"` (public) or `{schema, name}`. */
export function toQualifiedName(table: QualifiedName | string): QualifiedName {
  return typeof table === 'string' ? { schema: 'public', name: table } : { schema: table.schema ?? 'public', name: table.name };
}

export function defaultSource(metadata: Metadata): SourceMetadata {
  return metadata.sources.find((s) => s.name === 'default') ?? { name: 'default', kind: 'postgres', tables: [] };
}

export function trackedTables(metadata: Metadata): readonly TableEntry[] {
  return defaultSource(metadata).tables;
}

export function findTable(metadata: Metadata, name: QualifiedName): TableEntry | undefined {
  return trackedTables(metadata).find((t) => sameTable(t.table, name));
}

/** The tracked table, or Hasura's `not-exists` error for an untracked one. */
export function requireTrackedTable(metadata: Metadata, name: QualifiedName, path: string): TableEntry {
  const table = findTable(metadata, name);
  if (!table) {
    throw new GatewayError('not-exists', `table "${displayTableName(name)}" does not exist in source: default`, { path });
  }
  return table;
}

export function withTables(metadata: Metadata, edit: (tables: readonly TableEntry[]) => readonly TableEntry[]): Metadata {
  const source = defaultSource(metadata);
  const others = metadata.sources.filter((s) => s.name !== 'default');
  return { ...metadata, sources: [{ ...source, tables: edit(source.tables) }, ...others] };
}

export function updateTable(metadata: Metadata, name: QualifiedName, edit: (table: TableEntry) => TableEntry): Metadata {
  return withTables(metadata, (tables) => tables.map((t) => (sameTable(t.table, name) ? compactTable(edit(t)) : t)));
}

/** Drops empty optional lists so exported metadata looks like Hasura's (no `select_permissions: []`). */
export function compactTable(table: TableEntry): TableEntry {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(table)) {
    if (Array.isArray(value) && value.length === 0) continue;
    if (value === undefined) continue;
    out[key] = value;
  }
  return out as unknown as TableEntry;
}
