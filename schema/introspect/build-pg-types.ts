import type { PgType, PgTypeKind } from '../model/database-model.js';
import type { TypeRow } from './catalog-row.js';

/** Looks up the described type of a `(type oid, typmod)` pair that `catalogQuery` returned. */
export type PgTypeLookup = (oid: number, typmod: number) => PgType;

const kinds: Record<string, PgTypeKind> = {
  b: 'base',
  c: 'composite',
  d: 'domain',
  e: 'enum',
  p: 'pseudo',
  r: 'range',
  m: 'multirange',
};

/**
 * Builds `PgType`s from the type rows, following array element and domain base types to the
 * bottom. Types are keyed by oid *and* typmod because `displayName` depends on both
 * (`character varying(3)` and `character varying(160)` are one type with two typmods). Equal
 * pairs share one object, so a schema with many `text` columns holds one `text` type.
 */
export function buildPgTypes(rows: readonly TypeRow[]): PgTypeLookup {
  const byKey = new Map<string, TypeRow>();
  for (const row of rows) byKey.set(pairKey(row.oid, row.typmod), row);
  const built = new Map<string, PgType>();

  function lookup(oid: number, typmod: number, seen: ReadonlySet<string> = new Set()): PgType {
    const key = pairKey(oid, typmod);
    const done = built.get(key);
    if (done) return done;
    const row = byKey.get(key);
    // Cannot happen with one statement's snapshot; a clear message beats a TypeError later.
    if (!row) throw new Error(`introspection returned no type for oid ${oid} (typmod ${typmod})`);
    if (seen.has(key)) throw new Error(`type oid ${oid} is its own element or base type`);
    const kind = row.isArray ? 'array' : kinds[row.typtype];
    if (!kind) throw new Error(`type ${row.schema}.${row.name} has unknown typtype '${row.typtype}'`);
    const type: PgType = {
      oid: row.oid,
      schema: row.schema,
      name: row.name,
      kind,
      category: row.category,
      displayName: row.displayName,
      ...(row.elementOid !== null && {
        elementType: lookup(row.elementOid, row.elementTypmod ?? -1, new Set([...seen, key])),
      }),
      ...(row.enumValues !== null && { enumValues: row.enumValues }),
    };
    built.set(key, type);
    return type;
  }

  return (oid, typmod) => lookup(oid, typmod);
}

function pairKey(oid: number, typmod: number): string {
  return `${oid}:${typmod}`;
}
