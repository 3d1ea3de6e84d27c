import { tableKey, type ForeignKey, type TableInfo } from '../model/database-model.js';
import { isValidGraphQLName, pluralize } from '../inflection/inflection.js';
import type { ResolvedRelationship } from './resolved-schema.js';

interface Candidate {
  readonly owner: TableInfo;
  readonly preferred: string;
  readonly fallback: string;
  readonly relationship: Omit<ResolvedRelationship, 'name'>;
}

function stem(columns: readonly string[]): string {
  return columns.map((c) => c.replace(/_id$/i, '')).join('_');
}

/**
 * Relationships suggested from foreign keys, named as Hasura's console suggests: the object
 * relationship after the target table (`album.artist`), the array relationship after the
 * pluralised source table (`artist.albums`).
 *
 * Disambiguation, deterministic and documented in the README: when a table has several foreign
 * keys to the same table, or the preferred name is taken (by a column, a declared relationship or
 * an earlier suggestion), the object relationship is named after the FK columns without `_id`
 * (`customer.support_rep`), the array relationship `<plural source>_by_<fk columns>`
 * (`employee.customers_by_support_rep_id`). If that is taken too, the suggestion is dropped with
 * a warning. Foreign keys are visited in (table, constraint name) order.
 */
export function inferRelationships(
  tables: readonly TableInfo[],
  isTracked: (key: string) => boolean,
  takenNames: (owner: TableInfo) => Set<string>,
  alreadyMapped: (owner: TableInfo, target: string, columns: readonly string[]) => boolean,
  warnings: string[],
): Map<string, ResolvedRelationship[]> {
  const sorted = [...tables].sort((a, b) => tableKey(a).localeCompare(tableKey(b)));
  const candidates: Candidate[] = [];
  for (const table of sorted) {
    const fks = [...table.foreignKeys].sort((a, b) => a.name.localeCompare(b.name));
    for (const fk of fks) {
      const targetKey = tableKey(fk.references);
      if (!isTracked(targetKey) || !isTracked(tableKey(table))) continue;
      const target = tables.find((t) => tableKey(t) === targetKey);
      if (!target) continue;
      const siblings = fks.filter((other) => tableKey(other.references) === targetKey).length;
      candidates.push(objectCandidate(table, target, fk, siblings > 1));
      candidates.push(arrayCandidate(table, target, fk, siblings > 1));
    }
  }
  const result = new Map<string, ResolvedRelationship[]>();
  const taken = new Map<string, Set<string>>();
  for (const candidate of candidates) {
    const key = tableKey(candidate.owner);
    const pairs = candidate.relationship.mapping;
    const fromColumns = pairs.map((p) => p.from);
    if (alreadyMapped(candidate.owner, candidate.relationship.target, fromColumns)) continue;
    let names = taken.get(key);
    if (!names) {
      names = takenNames(candidate.owner);
      taken.set(key, names);
    }
    const name = [candidate.preferred, candidate.fallback].find((n) => isValidGraphQLName(n) && !names.has(n));
    if (!name) {
      warnings.push(`no free name for the relationship suggested from ${candidate.owner.name} (${candidate.fallback}); skipped`);
      continue;
    }
    names.add(name);
    const list = result.get(key) ?? [];
    list.push({ ...candidate.relationship, name });
    result.set(key, list);
  }
  return result;
}

function objectCandidate(table: TableInfo, target: TableInfo, fk: ForeignKey, ambiguous: boolean): Candidate {
  const byColumns = stem(fk.columns);
  const nullable = fk.columns.some((c) => table.columns.find((col) => col.name === c)?.nullable ?? true);
  return {
    owner: table,
    preferred: ambiguous ? byColumns : target.name,
    fallback: byColumns === target.name ? `${byColumns}_by_${fk.columns.join('_')}` : byColumns,
    relationship: {
      kind: 'object',
      target: tableKey(target),
      mapping: fk.columns.map((from, i) => ({ from, to: fk.referencedColumns[i]! })),
      nullable,
      description: null,
      inferred: true,
      insertionOrder: 'before_parent',
    },
  };
}

function arrayCandidate(table: TableInfo, target: TableInfo, fk: ForeignKey, ambiguous: boolean): Candidate {
  const plural = pluralize(table.name);
  const byColumns = `${plural}_by_${fk.columns.join('_')}`;
  return {
    owner: target,
    preferred: ambiguous ? byColumns : plural,
    fallback: byColumns,
    relationship: {
      kind: 'array',
      target: tableKey(table),
      mapping: fk.columns.map((to, i) => ({ from: fk.referencedColumns[i]!, to })),
      nullable: true,
      description: null,
      inferred: true,
      insertionOrder: 'after_parent',
    },
  };
}
