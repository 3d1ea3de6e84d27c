/**
 * The event triggers of a metadata document, read into what capture needs: the table, and per
 * operation the listened columns and the payload columns. Hasura's shape (under each table's
 * `event_triggers`) is `{name, definition: {enable_manual, insert?, update?, delete?}, …}` with
 * each operation `{columns: "*" | [..], payload?: "*" | [..]}`.
 */
import { tableKey, type DatabaseModel, type QualifiedName, type TableInfo } from '../../../schema/model/database-model.js';
import type { Metadata } from '../../../schema/metadata/metadata.js';

export type CaptureOp = 'INSERT' | 'UPDATE' | 'DELETE';

export const captureOps: readonly CaptureOp[] = ['INSERT', 'UPDATE', 'DELETE'];

export type ColumnSelection = '*' | readonly string[];

export interface CaptureOperation {
  readonly op: CaptureOp;
  /** For UPDATE: fire only when one of these changed. */
  readonly columns: ColumnSelection;
  /** The columns `old`/`new` carry (Hasura's `payload`); `*` when not given. */
  readonly payload: ColumnSelection;
}

export interface CaptureSpec {
  readonly name: string;
  readonly table: QualifiedName;
  readonly enableManual: boolean;
  readonly operations: readonly CaptureOperation[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readSelection(value: unknown): ColumnSelection {
  return Array.isArray(value) ? [...new Set(value.filter((c): c is string => typeof c === 'string'))] : '*';
}

function readTrigger(table: QualifiedName, raw: Record<string, unknown>): CaptureSpec | undefined {
  if (typeof raw.name !== 'string') return undefined;
  const definition = isRecord(raw.definition) ? raw.definition : {};
  const operations: CaptureOperation[] = [];
  for (const op of captureOps) {
    const spec = definition[op.toLowerCase()];
    if (!isRecord(spec)) continue;
    operations.push({ op, columns: readSelection(spec.columns), payload: readSelection(spec.payload) });
  }
  return { name: raw.name, table, enableManual: definition.enable_manual === true, operations };
}

/** Every event trigger of the `default` source, in document order. */
export function readCaptureSpecs(metadata: Metadata): CaptureSpec[] {
  const source = metadata.sources.find((s) => s.name === 'default');
  const specs: CaptureSpec[] = [];
  for (const entry of source?.tables ?? []) {
    const table = { schema: entry.table.schema ?? 'public', name: entry.table.name };
    for (const raw of entry.event_triggers ?? []) {
      const spec = readTrigger(table, raw);
      if (spec) specs.push(spec);
    }
  }
  return specs;
}

const triggerableKinds = new Set<TableInfo['kind']>(['table', 'partitioned_table', 'foreign_table']);

/**
 * Why the trigger cannot be installed on the live database, or undefined when it can. Postgres has
 * no AFTER ROW triggers on views, and a column that is gone would make the capture function fail
 * every write to the table, so such a trigger is reported and left uninstalled.
 */
export function checkCaptureSpec(spec: CaptureSpec, model: Pick<DatabaseModel, 'tables'>): string | undefined {
  const info = model.tables.get(tableKey(spec.table));
  const display = spec.table.schema === 'public' ? spec.table.name : `${spec.table.schema}.${spec.table.name}`;
  if (!info) return `table "${display}" does not exist`;
  if (!triggerableKinds.has(info.kind)) return `event triggers are only supported on tables, and "${display}" is a ${info.kind.replace('_', ' ')}`;
  for (const operation of spec.operations) {
    for (const list of [operation.columns, operation.payload]) {
      if (list === '*') continue;
      const missing = list.find((column) => !info.columns.some((c) => c.name === column));
      if (missing !== undefined) return `column "${missing}" of table "${display}" does not exist`;
    }
  }
  return undefined;
}
