/**
 * Checks a whole metadata document against the live database, collecting every problem rather
 * than stopping at the first (Hasura's `inconsistent_objects`). Relationships and permissions of a
 * missing table are not reported separately: the table itself is the inconsistency, as in Hasura;
 * its event triggers are, since their SQL triggers are gone with it.
 */
import { tableKey, type DatabaseModel, type TableInfo } from '../../schema/model/database-model.js';
import type { Metadata } from '../../schema/metadata/metadata.js';
import { displayTableName, trackedTables, type TableEntry } from './metadata-tables.js';
import { checkPermission, permissionKinds } from './check-permission.js';
import { checkCaptureSpec, readCaptureSpecs } from '../events/capture/index.js';
import { resolveRelationshipMapping, type RelationshipKind } from './resolve-relationship-mapping.js';

export interface InconsistentObject {
  readonly definition: unknown;
  readonly reason: string;
  readonly name: string;
  readonly type: string;
}

/** Names a table-level object the way Hasura's `moiName` does. */
function objectName(type: string, name: string, table: TableEntry): string {
  return `${type} ${name} in table ${displayTableName(table.table)} in source default`;
}

function checkRelationships(model: DatabaseModel, metadata: Metadata, entry: TableEntry, info: TableInfo): InconsistentObject[] {
  const problems: InconsistentObject[] = [];
  const lists: [RelationshipKind, readonly { name: string; using: unknown; comment?: string | null }[] | undefined][] = [
    ['object', entry.object_relationships],
    ['array', entry.array_relationships],
  ];
  for (const [kind, rels] of lists) {
    for (const rel of rels ?? []) {
      const type = `${kind}_relation`;
      let reason: string | undefined;
      let contextFree = false;
      if (info.columns.some((c) => c.name === rel.name)) reason = `relationship name "${rel.name}" conflicts with a column`;
      else {
        const result = resolveRelationshipMapping(model, metadata, info, kind, rel.using);
        if (!result.ok) ({ reason, contextFree = false } = result);
      }
      if (reason === undefined) continue;
      const where = contextFree ? '' : `in table "${displayTableName(entry.table)}": in relationship "${rel.name}": `;
      problems.push({
        definition: { using: rel.using, name: rel.name, source: 'default', comment: rel.comment ?? null, table: entry.table },
        reason: `Inconsistent object: ${where}${reason}`,
        name: objectName(type, rel.name, entry),
        type,
      });
    }
  }
  return problems;
}

function checkPermissions(model: DatabaseModel, metadata: Metadata, entry: TableEntry, info: TableInfo): InconsistentObject[] {
  const problems: InconsistentObject[] = [];
  for (const kind of permissionKinds) {
    for (const perm of entry[`${kind}_permissions`] ?? []) {
      const reason = checkPermission(model, metadata, info, kind, perm.permission);
      if (reason === undefined) continue;
      const type = `${kind}_permission`;
      problems.push({
        definition: { role: perm.role, permission: perm.permission, source: 'default', comment: perm.comment ?? null, table: entry.table },
        reason: `Inconsistent object: in table "${displayTableName(entry.table)}": in permission for role "${perm.role}": ${reason}`,
        name: objectName(type, perm.role, entry),
        type,
      });
    }
  }
  return problems;
}

/**
 * Event triggers that cannot be installed: their table is gone (reported besides the table, as
 * Hasura's `event_trigger` objects are, graphql-engine#6580), is a view, or lacks a listed column.
 */
function checkEventTriggers(model: DatabaseModel, entry: TableEntry): InconsistentObject[] {
  const problems: InconsistentObject[] = [];
  const configurations = new Map((entry.event_triggers ?? []).map((t) => [t.name, t]));
  for (const spec of readCaptureSpecs({ version: 3, sources: [{ name: 'default', kind: 'postgres', tables: [entry] }] })) {
    const reason = checkCaptureSpec(spec, model);
    if (reason === undefined) continue;
    problems.push({
      definition: { name: spec.name, source: 'default', table: entry.table, configuration: configurations.get(spec.name) },
      reason: `Inconsistent object: in event trigger "${spec.name}": ${reason}`,
      name: objectName('event_trigger', spec.name, entry),
      type: 'event_trigger',
    });
  }
  return problems;
}

export function findInconsistentObjects(metadata: Metadata, model: DatabaseModel): InconsistentObject[] {
  const problems: InconsistentObject[] = [];
  for (const entry of trackedTables(metadata)) {
    const info = model.tables.get(tableKey(entry.table));
    if (!info) {
      problems.push({
        definition: entry.table,
        reason: `Inconsistent object: no such table/view exists in source: "${displayTableName(entry.table)}"`,
        name: `table ${displayTableName(entry.table)} in source default`,
        type: 'table',
      });
      problems.push(...checkEventTriggers(model, entry));
      continue;
    }
    problems.push(...checkRelationships(model, metadata, entry, info), ...checkPermissions(model, metadata, entry, info), ...checkEventTriggers(model, entry));
  }
  return problems;
}

/** The problems in `after` that `before` did not have: what a single operation introduced. */
export function newInconsistencies(before: readonly InconsistentObject[], after: readonly InconsistentObject[]): InconsistentObject[] {
  const known = new Set(before.map((o) => `${o.type}\u0000${o.name}\u0000${o.reason}`));
  return after.filter((o) => !known.has(`${o.type}\u0000${o.name}\u0000${o.reason}`));
}
