/**
 * The typed model of a Postgres database that introspection produces and every later stage
 * reads. It holds catalog facts only (no GraphQL naming, no metadata): `schema/resolve` combines
 * it with metadata into the names and relationships that the GraphQL schema exposes.
 */

/** A schema-qualified name, as Postgres stores it (unquoted, case preserved). */
export interface QualifiedName {
  readonly schema: string;
  readonly name: string;
}

/** How Postgres classifies a type (`pg_type.typtype`, with arrays split out). */
export type PgTypeKind = 'base' | 'enum' | 'domain' | 'composite' | 'range' | 'multirange' | 'pseudo' | 'array';

/**
 * A Postgres type as a column or parameter uses it. `name` is the canonical `pg_type.typname`
 * (`int4`, `varchar`, `timestamptz`, `_text` for arrays), which is what Hasura names custom
 * scalars after.
 */
export interface PgType {
  readonly oid: number;
  readonly schema: string;
  readonly name: string;
  readonly kind: PgTypeKind;
  /** `pg_type.typcategory`: N numeric, S string, B boolean, D date/time, U user, A array … */
  readonly category: string;
  /** For arrays: the element type. For domains: the base type. */
  readonly elementType?: PgType;
  /** For enums: the labels in sort order. */
  readonly enumValues?: readonly string[];
  /** `format_type(oid, typmod)` as a human-readable description, e.g. `character varying(3)`. */
  readonly displayName: string;
}

export interface ColumnInfo {
  readonly name: string;
  /** `attnum`, for a stable column order. */
  readonly position: number;
  readonly type: PgType;
  /** Number of array dimensions as declared (0 for scalars); Postgres does not enforce it. */
  readonly arrayDimensions: number;
  readonly nullable: boolean;
  /** The default expression text, or null. Identity and serial columns count as having one. */
  readonly defaultExpression: string | null;
  readonly identity: 'always' | 'by default' | null;
  /** True for `GENERATED ALWAYS AS (…) STORED` columns, which can never be written. */
  readonly generated: boolean;
  readonly comment: string | null;
  /** Whether an INSERT/UPDATE may set it (false for generated columns, or non-updatable view columns). */
  readonly insertable: boolean;
  readonly updatable: boolean;
}

export interface KeyConstraint {
  readonly name: string;
  readonly columns: readonly string[];
  /**
   * `constraint` for a PRIMARY KEY / UNIQUE constraint; `index` for a unique index that no
   * constraint owns, which `ON CONFLICT ON CONSTRAINT name` cannot name: use
   * `ON CONFLICT (columns…)` instead. Introspection always sets it.
   */
  readonly source?: 'constraint' | 'index';
}

export interface ForeignKey {
  readonly name: string;
  readonly columns: readonly string[];
  readonly references: QualifiedName;
  /** Columns in the referenced table, in the same order as `columns`. */
  readonly referencedColumns: readonly string[];
}

export type TableKind = 'table' | 'partitioned_table' | 'view' | 'materialized_view' | 'foreign_table';

export interface TableInfo extends QualifiedName {
  readonly oid: number;
  readonly kind: TableKind;
  readonly comment: string | null;
  /** Columns in `attnum` order, dropped columns excluded. */
  readonly columns: readonly ColumnInfo[];
  readonly primaryKey: KeyConstraint | null;
  /** Unique constraints and unique indexes that can serve as an `ON CONFLICT` target, primary key excluded. */
  readonly uniqueConstraints: readonly KeyConstraint[];
  /** Foreign keys declared on this table (outgoing). */
  readonly foreignKeys: readonly ForeignKey[];
  /** Whether the relation accepts INSERT / UPDATE / DELETE (views: `pg_relation_is_updatable`). */
  readonly insertable: boolean;
  readonly updatable: boolean;
  readonly deletable: boolean;
}

export interface DatabaseModel {
  /** Every user table and view, keyed by `tableKey`. */
  readonly tables: ReadonlyMap<string, TableInfo>;
  /** Postgres `server_version_num`, e.g. 170004. */
  readonly serverVersion: number;
  /** User functions (for computed fields), when they were read. */
  readonly functions?: readonly FunctionInfo[];
}

/** The map key of a table: `schema.name` with a separator that cannot occur in either part. */
export function tableKey(name: QualifiedName): string {
  return `${name.schema}\u0000${name.name}`;
}

/** A function that can back a computed field: arguments and result, by type. */
export interface FunctionInfo extends QualifiedName {
  readonly oid: number;
  readonly comment: string | null;
  /** Argument names (empty string when unnamed) and types, in order. */
  readonly args: readonly { readonly name: string; readonly type: QualifiedName & { readonly oid: number; readonly category: string } }[];
  readonly returns: QualifiedName & { readonly oid: number; readonly category: string; readonly isTable: boolean };
  readonly returnsSet: boolean;
  /** `i` immutable, `s` stable, `v` volatile: a computed field must not be volatile. */
  readonly volatility: 'i' | 's' | 'v';
}
