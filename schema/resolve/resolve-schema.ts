import { tableKey, type DatabaseModel, type TableInfo } from '../model/database-model.js';
import type { Metadata, TableMetadata } from '../metadata/metadata.js';
import { descriptions, displayTableName, isValidGraphQLName, tableTypeName } from '../inflection/inflection.js';
import { resolveColumns } from './resolve-columns.js';
import { qualifiedTableName, resolveRelationship } from './resolve-relationship.js';
import { inferRelationships } from './infer-relationships.js';
import { resolveRootFields } from './resolve-root-fields.js';
import { resolveComputedFields } from './resolve-computed-fields.js';
import { checkPermissionRule } from './check-permission-rule.js';
import { resolveFunctions } from './resolve-functions.js';
import type { Inconsistency, ResolvedRelationship, ResolvedSchema, ResolvedTable } from './resolved-schema.js';

export interface ResolveOptions {
  /** Track every table and view of `exposeSchemas` that metadata does not mention. */
  readonly autoTrack: boolean;
  readonly exposeSchemas: readonly string[];
}

type TableDraft = Omit<ResolvedTable, 'relationships' | 'computedFields' | 'metadata'> & {
  relationships: ResolvedRelationship[];
  computedFields: ResolvedTable['computedFields'];
  metadata: TableMetadata | null;
};

/**
 * Checks metadata against the database and decides every name. Whatever does not fit (a table
 * that no longer exists, a relationship over a dropped column, a clashing name) is reported as
 * an inconsistency or warning and left out, so the rest of the schema is still served.
 */
export function resolveSchema(model: DatabaseModel, metadata: Metadata, options: ResolveOptions): ResolvedSchema {
  const inconsistencies: Inconsistency[] = [];
  const warnings: string[] = [];
  const drafts = new Map<string, TableDraft>();
  const typeNames = new Set<string>();
  const source = metadata.sources.find((s) => s.name === 'default') ?? metadata.sources[0];
  const tracked = new Map<string, TableMetadata>();
  for (const entry of source?.tables ?? []) tracked.set(tableKey(qualifiedTableName(entry.table)), entry);

  const addTable = (info: TableInfo, entry: TableMetadata | null) => {
    const configuration = entry?.configuration;
    const typeName = configuration?.custom_name ?? tableTypeName(info.schema, info.name);
    if (!isValidGraphQLName(typeName)) {
      warnings.push(`table ${JSON.stringify(`${info.schema}.${info.name}`)} is not a valid GraphQL name; skipped`);
      if (entry) inconsistencies.push({ type: 'table', name: info.name, table: info, reason: `"${typeName}" is not a valid GraphQL name` });
      return;
    }
    if (typeNames.has(typeName)) {
      warnings.push(`table ${JSON.stringify(`${info.schema}.${info.name}`)} would be named "${typeName}", which is taken; skipped`);
      if (entry) inconsistencies.push({ type: 'table', name: info.name, table: info, reason: `GraphQL type name "${typeName}" conflicts with another table` });
      return;
    }
    typeNames.add(typeName);
    const columns = resolveColumns(info, configuration, warnings);
    const columnsByName = new Map(columns.map((c) => [c.name, c]));
    const primaryKey = info.primaryKey?.columns.map((c) => columnsByName.get(c)) ?? null;
    // An explicitly empty comment in metadata means "no description", as in Hasura.
    const description = configuration?.comment === '' ? null : (configuration?.comment ?? info.comment ?? descriptions.objectType(typeName));
    drafts.set(tableKey(info), {
      key: tableKey(info),
      info,
      typeName,
      description,
      columns,
      columnsByName,
      relationships: [],
      computedFields: [],
      primaryKey: primaryKey && primaryKey.every((c) => c !== undefined) ? (primaryKey as ResolvedTable['columns'][number][]) : null,
      rootFields: resolveRootFields(typeName, displayTableName(info.schema, info.name), configuration),
      metadata: entry,
    });
  };

  for (const [key, entry] of tracked) {
    const info = model.tables.get(key);
    if (!info) {
      const name = qualifiedTableName(entry.table);
      inconsistencies.push({ type: 'table', name: name.name, table: name, reason: `table "${name.name}" does not exist` });
      continue;
    }
    addTable(info, entry);
  }
  if (options.autoTrack) {
    const exposed = new Set(options.exposeSchemas);
    const untracked = [...model.tables.values()]
      .filter((t) => exposed.has(t.schema) && !tracked.has(tableKey(t)))
      .sort((a, b) => tableKey(a).localeCompare(tableKey(b)));
    for (const info of untracked) addTable(info, null);
  }

  for (const draft of drafts.values()) resolveDeclaredRelationships(model, draft, drafts, inconsistencies);
  for (const draft of drafts.values()) {
    const fields = draft.metadata?.computed_fields ?? [];
    if (fields.length > 0) draft.computedFields = resolveComputedFields(model, draft.info, fields, (key) => drafts.has(key), inconsistencies);
  }

  const inferred = inferRelationships(
    [...drafts.values()].map((d) => d.info),
    (key) => drafts.has(key),
    (owner) => {
      const draft = drafts.get(tableKey(owner))!;
      return new Set([...draft.columns.map((c) => c.fieldName), ...draft.relationships.map((r) => r.name)]);
    },
    (owner, target, columns) =>
      drafts
        .get(tableKey(owner))!
        .relationships.some((r) => r.target === target && r.mapping.length === columns.length && r.mapping.every((p) => columns.includes(p.from))),
    warnings,
  );
  // Only auto-tracked tables, or all tables when auto-track is on, receive suggestions: with
  // auto-track off the metadata is the whole truth, as in Hasura.
  if (options.autoTrack) {
    for (const [key, relationships] of inferred) drafts.get(key)?.relationships.push(...relationships);
  }

  for (const draft of drafts.values()) {
    if (draft.metadata) draft.metadata = withConsistentPermissions(draft, drafts, model, inconsistencies);
  }

  const tables = [...drafts.values()];
  const functions = resolveFunctions(model, source?.functions ?? [], (key) => drafts.has(key), inconsistencies);
  return { tables, functions, tablesByKey: new Map(tables.map((t) => [t.key, t])), metadata, inconsistencies, warnings };
}

function resolveDeclaredRelationships(
  model: DatabaseModel,
  draft: TableDraft,
  drafts: ReadonlyMap<string, TableDraft>,
  inconsistencies: Inconsistency[],
): void {
  const entry = draft.metadata;
  if (!entry) return;
  const declared = [
    ...(entry.object_relationships ?? []).map((rel) => ({ kind: 'object' as const, rel })),
    ...(entry.array_relationships ?? []).map((rel) => ({ kind: 'array' as const, rel })),
  ];
  for (const { kind, rel } of declared) {
    const result = resolveRelationship(model, draft.info, kind, rel);
    const fail = (reason: string) =>
      inconsistencies.push({ type: 'relationship', name: rel.name, table: { schema: draft.info.schema, name: draft.info.name }, reason });
    if ('error' in result) {
      fail(result.error);
      continue;
    }
    if (!drafts.has(result.ok.target)) {
      fail(`the target table of relationship "${rel.name}" is not tracked`);
      continue;
    }
    if (draft.columns.some((c) => c.fieldName === rel.name) || draft.relationships.some((r) => r.name === rel.name)) {
      fail(`relationship "${rel.name}" conflicts with an existing field`);
      continue;
    }
    draft.relationships.push(result.ok);
  }
}

const permissionKinds = ['select_permissions', 'insert_permissions', 'update_permissions', 'delete_permissions'] as const;

/**
 * The table's metadata without the permissions that name what the database no longer has: such
 * a permission is reported and left out, so the role loses that access instead of the gateway
 * failing (or a rule silently matching more than it should).
 */
function withConsistentPermissions(
  draft: TableDraft,
  drafts: ReadonlyMap<string, TableDraft>,
  model: DatabaseModel,
  inconsistencies: Inconsistency[],
): TableMetadata {
  const entry = draft.metadata!;
  const lookup = (key: string) => drafts.get(key);
  let changed = false;
  const result: Record<string, unknown> = { ...entry };
  for (const kind of permissionKinds) {
    const list = (entry[kind] ?? []) as unknown as readonly { role: string; permission: Record<string, unknown> }[];
    const kept = list.filter(({ role, permission }) => {
      const columns = permission.columns;
      const missingColumn = Array.isArray(columns) ? columns.find((c) => !draft.info.columns.some((col) => col.name === c)) : undefined;
      const problem =
        (missingColumn !== undefined ? `column "${String(missingColumn)}" does not exist` : null) ??
        checkPermissionRule(permission.filter, draft, lookup, model) ??
        checkPermissionRule(permission.check, draft, lookup, model);
      if (!problem) return true;
      inconsistencies.push({ type: 'permission', name: `${kind.replace('_permissions', '')} permission of role "${role}"`, table: { schema: draft.info.schema, name: draft.info.name }, reason: problem });
      return false;
    });
    if (kept.length !== list.length) {
      changed = true;
      result[kind] = kept;
    }
  }
  return changed ? (result as unknown as TableMetadata) : entry;
}
