import { tableKey, type DatabaseModel, type QualifiedName } from '../../schema/model/database-model.js';
import { isJsonObject } from './parse-args.js';
import { toQualifiedName } from './metadata-tables.js';

/**
 * The table a relationship points at, as far as it can be told: named directly by manual and
 * reverse-FK forms, found through the owner's foreign key for the `foreign_key_constraint_on:
 * "col"` form (unknown when the owner or its FK is gone from the database).
 */
export function relationshipTarget(model: DatabaseModel | undefined, owner: QualifiedName, using: unknown): QualifiedName | undefined {
  if (!isJsonObject(using)) return undefined;
  const manual = using.manual_configuration;
  if (isJsonObject(manual) && (typeof manual.remote_table === 'string' || isJsonObject(manual.remote_table))) {
    return toQualifiedName(manual.remote_table as never);
  }
  const fk = using.foreign_key_constraint_on;
  if (isJsonObject(fk) && (typeof fk.table === 'string' || isJsonObject(fk.table))) return toQualifiedName(fk.table as never);
  const columns = typeof fk === 'string' ? [fk] : Array.isArray(fk) ? fk : undefined;
  if (!columns || !model) return undefined;
  const info = model.tables.get(tableKey(owner));
  const constraint = info?.foreignKeys.find((f) => f.columns.length === columns.length && f.columns.every((c) => columns.includes(c)));
  return constraint?.references;
}
