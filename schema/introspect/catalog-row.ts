/**
 * The raw shape `catalogQuery` returns: one row whose JSON columns mirror the catalog closely.
 * Turning these into the model's types happens in `buildPgTypes` and `buildTableInfo`, so that
 * the SQL stays a plain catalog read and every interpretation lives in TypeScript.
 */

export interface CatalogRow {
  readonly serverVersion: number;
  readonly relations: readonly RelationRow[];
  readonly types: readonly TypeRow[];
}

export interface RelationRow {
  readonly oid: number;
  readonly schema: string;
  readonly name: string;
  /** `pg_class.relkind`: r, p, v, m or f. */
  readonly relkind: string;
  readonly comment: string | null;
  /** `pg_relation_is_updatable(oid, true)`: INSTEAD OF triggers and rules count, as in Hasura. */
  readonly events: number;
  /** `pg_relation_is_updatable(oid, false)`: what the view's own definition allows. */
  readonly autoEvents: number;
  readonly columns: readonly ColumnRow[];
  readonly uniqueKeys: readonly UniqueKeyRow[];
  readonly foreignKeys: readonly ForeignKeyRow[];
}

export interface ColumnRow {
  readonly name: string;
  readonly position: number;
  readonly typeOid: number;
  readonly typmod: number;
  readonly dimensions: number;
  readonly notNull: boolean;
  readonly defaultExpression: string | null;
  /** `attidentity`: '' (none), 'a' (always) or 'd' (by default). */
  readonly identity: string;
  /** `attgenerated`: '' or 's' (stored). */
  readonly generated: string;
  readonly comment: string | null;
  /** `pg_column_is_updatable(relid, attnum, false)`: the view column is a plain column reference. */
  readonly autoUpdatable: boolean;
}

export interface UniqueKeyRow {
  readonly name: string;
  readonly primary: boolean;
  /** False for a unique index that no constraint owns. */
  readonly constraint: boolean;
  readonly columns: readonly string[];
}

export interface ForeignKeyRow {
  readonly name: string;
  readonly referencedSchema: string;
  readonly referencedName: string;
  /** `[column, referencedColumn]` pairs in constraint order. */
  readonly pairs: readonly (readonly [string, string])[];
}

/** One `(type, typmod)` pair that some column uses, directly or as an element or base type. */
export interface TypeRow {
  readonly oid: number;
  readonly typmod: number;
  readonly schema: string;
  readonly name: string;
  /** `pg_type.typtype`: b, c, d, e, p, r or m. */
  readonly typtype: string;
  readonly isArray: boolean;
  readonly category: string;
  /** The array's element type or the domain's base type, with the typmod it carries. */
  readonly elementOid: number | null;
  readonly elementTypmod: number | null;
  readonly enumValues: readonly string[] | null;
  readonly displayName: string;
}
