/**
 * Operations on the metadata document as a whole: export, replace, clear, reload, the
 * inconsistency report, and the `default`-only source operations.
 */
import { GatewayError } from '../errors/index.js';
import { emptyMetadata, type Metadata } from '../../schema/metadata/metadata.js';
import { findInconsistentObjects, type InconsistentObject } from './find-inconsistent-objects.js';
import { successMessage, type MetadataOperation } from './metadata-operation.js';
import { expectObject, isJsonObject, optionalBoolean, requireString } from './parse-args.js';
import { normalizeMetadata } from './normalize-metadata.js';
import { compactTable, withTables, type TableEntry } from './metadata-tables.js';

function consistencyReport(objects: readonly InconsistentObject[]): { is_consistent: boolean; inconsistent_objects: readonly InconsistentObject[] } {
  return { is_consistent: objects.length === 0, inconsistent_objects: objects };
}

const exportMetadata: MetadataOperation = async (_args, context) => ({
  kind: 'read',
  response: context.version === 2 ? { resource_version: context.resourceVersion, metadata: context.metadata } : context.metadata,
});

/** v1 passes the document itself; v2 wraps it as `{metadata, allow_inconsistent_metadata}`. */
const replaceMetadata: MetadataOperation = async (args, context) => {
  const obj = expectObject(args, context.path);
  const isV2 = isJsonObject(obj.metadata);
  const allowInconsistent = isV2 ? (optionalBoolean(obj, 'allow_inconsistent_metadata', context.path) ?? false) : false;
  const metadata = isV2 ? normalizeMetadata(obj.metadata, `${context.path}.metadata`) : normalizeMetadata(obj, context.path);
  return {
    kind: 'change',
    metadata,
    check: 'all',
    allowInconsistent,
    respond: (objects) => (allowInconsistent ? consistencyReport(objects) : successMessage),
  };
};

const clearMetadata: MetadataOperation = async () => ({ kind: 'change', metadata: emptyMetadata(), check: 'all' });

const reloadMetadata: MetadataOperation = async (args, context) => {
  if (args !== undefined && args !== null) expectObject(args, context.path);
  const objects = findInconsistentObjects(context.metadata, await context.model());
  return { kind: 'reload', response: { message: 'success', is_consistent: objects.length === 0 } };
};

const getInconsistentMetadata: MetadataOperation = async (_args, context) => ({
  kind: 'read',
  response: consistencyReport(findInconsistentObjects(context.metadata, await context.model())),
});

/** Removes exactly the objects the consistency check reports, as Hasura's operation does. */
export function dropInconsistentObjects(metadata: Metadata, objects: readonly InconsistentObject[]): Metadata {
  const missing = (o: InconsistentObject, entry: TableEntry): boolean =>
    o.type === 'table' && (o.definition as TableEntry['table']).schema === entry.table.schema && (o.definition as TableEntry['table']).name === entry.table.name;
  const owns = (o: InconsistentObject, entry: TableEntry): boolean => {
    const table = (o.definition as { table?: TableEntry['table'] }).table;
    return table !== undefined && table.schema === entry.table.schema && table.name === entry.table.name;
  };
  return withTables(metadata, (tables) =>
    tables
      .filter((entry) => !objects.some((o) => missing(o, entry)))
      .map((entry) => {
        const mine = objects.filter((o) => owns(o, entry));
        if (mine.length === 0) return entry;
        const gone = (type: string, name: string) => mine.some((o) => o.type === type && (o.definition as { name?: string; role?: string })[type.endsWith('_permission') ? 'role' : 'name'] === name);
        const out: Record<string, unknown> = { ...entry };
        for (const kind of ['object', 'array'] as const) {
          out[`${kind}_relationships`] = (entry[`${kind}_relationships`] ?? []).filter((r) => !gone(`${kind}_relation`, r.name));
        }
        for (const kind of ['select', 'insert', 'update', 'delete'] as const) {
          out[`${kind}_permissions`] = (entry[`${kind}_permissions`] ?? []).filter((p) => !gone(`${kind}_permission`, p.role));
        }
        out.event_triggers = (entry.event_triggers ?? []).filter((t) => !gone('event_trigger', String(t.name)));
        return compactTable(out as unknown as TableEntry);
      }),
  );
}

const dropInconsistentMetadata: MetadataOperation = async (_args, context) => {
  const objects = findInconsistentObjects(context.metadata, await context.model());
  return { kind: 'change', metadata: dropInconsistentObjects(context.metadata, objects), check: 'new' };
};

/** Sluice serves the one database it was started with: `default` exists and cannot be dropped. */
const addSource: MetadataOperation = async (args, context) => {
  const name = requireString(expectObject(args, context.path), 'name', context.path);
  if (name !== 'default') throw new GatewayError('not-supported', `Sluice serves only the "default" source; cannot add "${name}"`, { path: context.path });
  return { kind: 'read', response: successMessage };
};

const dropSource: MetadataOperation = async (args, context) => {
  const name = requireString(expectObject(args, context.path), 'name', context.path);
  if (name !== 'default') throw new GatewayError('not-exists', `source with name "${name}" does not exist`, { path: context.path });
  throw new GatewayError('not-supported', 'the "default" source cannot be dropped', { path: context.path });
};

export const documentOperations: Record<string, MetadataOperation> = {
  export_metadata: exportMetadata,
  replace_metadata: replaceMetadata,
  clear_metadata: clearMetadata,
  reload_metadata: reloadMetadata,
  get_inconsistent_metadata: getInconsistentMetadata,
  drop_inconsistent_metadata: dropInconsistentMetadata,
  pg_add_source: addSource,
  pg_drop_source: dropSource,
};
