/**
 * Keeps tracked functions and computed fields in step with DDL that `run_sql` ran. A function the
 * metadata names that existed before the script and is gone after it was dropped (often
 * indirectly: `DROP TABLE article CASCADE` drops `search_articles() RETURNS SETOF article`).
 * As in Hasura's run_sql, a dropped tracked function simply leaves the metadata, while computed
 * fields built on it are dependents: removed with `cascade`, otherwise the SQL is refused with
 * `dependency-error`.
 */
import type { Metadata } from '../../schema/metadata/metadata.js';
import type { QualifiedName } from '../../schema/model/database-model.js';
import type { Queryable } from '../../schema/introspect/introspect-database.js';
import { defaultSource, sameTable, toQualifiedName, trackedTables } from './metadata-tables.js';
import { dependencyError, dropDependents, type Dependent } from './table-operations.js';
import { isJsonObject } from './parse-args.js';

function trackedFunctionNames(metadata: Metadata): QualifiedName[] {
  const functions = (defaultSource(metadata) as { functions?: readonly unknown[] }).functions ?? [];
  return functions.flatMap((f) => (isJsonObject(f) && (typeof f.function === 'string' || isJsonObject(f.function)) ? [toQualifiedName(f.function as never)] : []));
}

function computedFieldFunctions(metadata: Metadata): { readonly dependent: Dependent; readonly fn: QualifiedName }[] {
  return trackedTables(metadata).flatMap((entry) =>
    (entry.computed_fields ?? []).map((field) => ({
      dependent: { owner: entry.table, kind: 'computed_fields' as const, name: field.name },
      fn: toQualifiedName(field.definition.function),
    })),
  );
}

/** Every function the metadata refers to (tracked, or behind a computed field). */
export function referencedFunctions(metadata: Metadata): QualifiedName[] {
  const all = [...trackedFunctionNames(metadata), ...computedFieldFunctions(metadata).map((c) => c.fn)];
  return all.filter((fn, i) => all.findIndex((other) => sameTable(other, fn)) === i);
}

/** The subset of `names` that has at least one overload in `pg_proc`. */
export async function existingFunctions(db: Queryable, names: readonly QualifiedName[]): Promise<QualifiedName[]> {
  if (names.length === 0) return [];
  const { rows } = await db.query<{ schema: string; name: string }>(
    `SELECT DISTINCT n.nspname AS schema, p.proname AS name
       FROM unnest($1::text[], $2::text[]) AS u(schema_name, function_name)
       JOIN pg_catalog.pg_namespace n ON n.nspname = u.schema_name
       JOIN pg_catalog.pg_proc p ON p.pronamespace = n.oid AND p.proname = u.function_name`,
    [names.map((f) => f.schema), names.map((f) => f.name)],
  );
  return rows.map((r) => ({ schema: r.schema, name: r.name }));
}

/** The metadata after `dropped` functions vanished; throws `dependency-error` for computed fields without `cascade`. */
export function followFunctionDrops(
  metadata: Metadata,
  dropped: readonly QualifiedName[],
  options: { readonly cascade: boolean; readonly path: string },
): Metadata {
  if (dropped.length === 0) return metadata;
  const isDropped = (fn: QualifiedName): boolean => dropped.some((d) => sameTable(d, fn));
  const dependents = computedFieldFunctions(metadata)
    .filter((c) => isDropped(c.fn))
    .map((c) => c.dependent);
  if (dependents.length > 0 && !options.cascade) throw dependencyError(dependents, options.path);
  const next = dropDependents(metadata, dependents);
  const source = defaultSource(next) as ReturnType<typeof defaultSource> & { functions?: readonly unknown[] };
  const functions = (source.functions ?? []).filter(
    (f) => !(isJsonObject(f) && (typeof f.function === 'string' || isJsonObject(f.function)) && isDropped(toQualifiedName(f.function as never))),
  );
  const { functions: _old, ...rest } = source;
  const others = next.sources.filter((s) => s.name !== 'default');
  return { ...next, sources: [{ ...rest, ...(functions.length > 0 ? { functions } : {}) }, ...others] };
}
