import { GatewayError } from '../errors/index.js';
import { tableKey, type ColumnInfo, type QualifiedName, type TableInfo } from '../../schema/model/database-model.js';
import type { OperationContext } from './metadata-operation.js';
import { checkSource, expectObject, parseTableArg, type JsonObject } from './parse-args.js';
import { displayTableName, findTable, type TableEntry } from './metadata-tables.js';

export interface DmlTable {
  readonly args: JsonObject;
  readonly name: QualifiedName;
  readonly info: TableInfo;
  readonly entry: TableEntry;
}

/** The legacy JSON DML works on tracked tables only, as in Hasura (an untracked one "does not exist"). */
export async function resolveDmlTable(args: unknown, context: OperationContext): Promise<DmlTable> {
  const obj = expectObject(args, context.path);
  checkSource(obj, context.path);
  const name = parseTableArg(obj, context.path);
  const entry = findTable(context.metadata, name);
  const info = (await context.model()).tables.get(tableKey(name));
  if (!entry || !info) throw new GatewayError('not-exists', `table "${displayTableName(name)}" does not exist`, { path: `${context.path}.table` });
  return { args: obj, name, info, entry };
}

export function requireColumn(info: TableInfo, name: string, path: string): ColumnInfo {
  const column = info.columns.find((c) => c.name === name);
  if (!column) throw new GatewayError('not-exists', `no such column exists: "${name}"`, { path });
  return column;
}
