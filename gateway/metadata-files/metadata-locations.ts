/**
 * Where each table, relationship and permission of a directory was read from, so that problems
 * the consistency check finds later (a missing column, a dropped table) can name the file and line.
 */
import type { QualifiedName } from '../../schema/model/database-model.js';
import type { InconsistentObject } from '../metadata/index.js';
import type { MetadataFileProblem } from './metadata-file-problem.js';

export interface Location {
  readonly file: string;
  readonly line?: number;
}

export type MetadataLocations = Map<string, Location>;

/** `type` is the consistency check's: `table`, `object_relation`, `select_permission` … */
export function locationKey(table: QualifiedName, type = 'table', name = ''): string {
  return [type, table.schema, table.name, name].join('\u0000');
}

/** The inconsistency as a file problem; its reason already names table and role. */
export function locateInconsistency(object: InconsistentObject, locations: MetadataLocations | undefined): MetadataFileProblem {
  const definition = object.definition as { table?: QualifiedName; role?: string; name?: string; schema?: string };
  const table = object.type === 'table' ? (definition as QualifiedName) : definition.table;
  const name = object.type.endsWith('_permission') ? definition.role : definition.name;
  const location = table ? (locations?.get(locationKey(table, object.type, object.type === 'table' ? '' : name)) ?? locations?.get(locationKey(table))) : undefined;
  const message = object.reason.replace(/^Inconsistent object: /, '');
  if (!location) return { file: '(database)', message };
  return location.line === undefined ? { file: location.file, message } : { file: location.file, line: location.line, message };
}
