/**
 * Prints a metadata diff for a reviewer: grouped by table, then by role; for each permission the
 * columns added and removed and the old and new rules as compact JSON.
 */
import type { ChangeAction, FieldChange, MetadataChange } from './diff-metadata.js';

const marks: Record<ChangeAction, string> = { add: '+', remove: '-', change: '~' };

function json(value: unknown): string {
  return value === undefined ? '(none)' : JSON.stringify(value);
}

/** Service key hashes are not secrets, but they are noise in a review. */
function fieldLines(change: MetadataChange, indent: string): string[] {
  const lines: string[] = [];
  for (const field of change.fields) lines.push(...describeField(field, change).map((line) => `${indent}${line}`));
  return lines;
}

function describeField(field: FieldChange, change: MetadataChange): string[] {
  if (field.kind === 'columns') {
    if (change.action === 'add') return [`${field.field}: ${field.added.join(', ')}`];
    const lines: string[] = [];
    if (field.added.length > 0) lines.push(`${field.field} added: ${field.added.join(', ')}`);
    if (field.removed.length > 0) lines.push(`${field.field} removed: ${field.removed.join(', ')}`);
    return lines;
  }
  if (change.object === 'service_key' && field.field === 'key_hash') return [change.action === 'add' ? 'key_hash: (set)' : 'key_hash: changed'];
  if (change.action === 'add') return [`${field.field}: ${json(field.after)}`];
  return [`${field.field}: ${json(field.before)} -> ${json(field.after)}`];
}

function describeObject(change: MetadataChange): string {
  switch (change.object) {
    case 'object_relationship':
      return `object relationship ${change.name}`;
    case 'array_relationship':
      return `array relationship ${change.name}`;
    case 'computed_field':
      return `computed field ${change.name}`;
    case 'event_trigger':
      return `event trigger ${change.name}`;
    case 'table_setting':
      return change.name;
    default:
      return change.object.endsWith('_permission') ? `${change.object.replace('_permission', '')} permission` : change.name;
  }
}

function tableLines(changes: readonly MetadataChange[]): string[] {
  const lines: string[] = [];
  const own = changes.find((c) => c.object === 'table');
  const rest = changes.filter((c) => c.object !== 'table');
  const table = changes[0]!.table!;
  lines.push(`${marks[own?.action ?? 'change']} table ${table.schema}.${table.name}`);
  for (const change of rest.filter((c) => !c.object.endsWith('_permission'))) {
    lines.push(`    ${marks[change.action]} ${describeObject(change)}`, ...fieldLines(change, '        '));
  }
  const permissions = rest.filter((c) => c.object.endsWith('_permission'));
  const roles = [...new Set(permissions.map((c) => c.name))].sort();
  const kindOrder = ['select_permission', 'insert_permission', 'update_permission', 'delete_permission'];
  for (const role of roles) {
    lines.push(`    role ${role}`);
    const mine = permissions.filter((c) => c.name === role).sort((a, b) => kindOrder.indexOf(a.object) - kindOrder.indexOf(b.object));
    for (const change of mine) lines.push(`      ${marks[change.action]} ${describeObject(change)}`, ...fieldLines(change, '          '));
  }
  return lines;
}

function groupLines(title: string, changes: readonly MetadataChange[]): string[] {
  if (changes.length === 0) return [];
  return [title, ...changes.flatMap((c) => [`    ${marks[c.action]} ${c.name}`, ...fieldLines(c, '        ')])];
}

/** The diff as lines, then a count; `[]` when nothing changes. */
export function formatDiff(changes: readonly MetadataChange[]): string[] {
  if (changes.length === 0) return [];
  const lines: string[] = [];
  const tables = new Map<string, MetadataChange[]>();
  for (const change of changes) {
    if (!change.table) continue;
    const key = `${change.table.schema}.${change.table.name}`;
    tables.set(key, [...(tables.get(key) ?? []), change]);
  }
  for (const group of tables.values()) lines.push(...tableLines(group));
  lines.push(...groupLines('inherited roles', changes.filter((c) => c.object === 'inherited_role')));
  lines.push(...groupLines('service keys', changes.filter((c) => c.object === 'service_key')));
  lines.push(...groupLines('other sections', changes.filter((c) => c.object === 'section')));
  return lines;
}

/** "3 changes (1 added, 1 removed, 1 changed)". */
export function summarizeDiff(changes: readonly MetadataChange[]): string {
  const count = (action: ChangeAction): number => changes.filter((c) => c.action === action).length;
  const total = changes.length === 1 ? '1 change' : `${changes.length} changes`;
  return `${total} (${count('add')} added, ${count('remove')} removed, ${count('change')} changed)`;
}
