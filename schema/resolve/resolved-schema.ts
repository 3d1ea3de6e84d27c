/**
 * The checked model the GraphQL schema is built from: database model + metadata, with every
 * GraphQL name decided and every relationship turned into a column mapping. Nothing here is
 * role-specific; permissions are applied when a role's schema is built.
 */
import type { ColumnInfo, PgType, QualifiedName, TableInfo } from '../model/database-model.js';
import type { Metadata, TableMetadata } from '../metadata/metadata.js';

export interface ResolvedColumn {
  /** The Postgres column name. */
  readonly name: string;
  /** The GraphQL field name (`column_config.custom_name` or the column name). */
  readonly fieldName: string;
  readonly info: ColumnInfo;
  /** GraphQL scalar of the column, or of its elements for an array column. */
  readonly scalar: string;
  /** The Postgres type a value of this scalar is cast to (element type for arrays). */
  readonly scalarPgType: PgType;
  readonly isArray: boolean;
  readonly description: string | null;
}

export interface ColumnPair {
  /** Column of the table the relationship is defined on. */
  readonly from: string;
  /** Column of the target table. */
  readonly to: string;
}

export interface ResolvedRelationship {
  readonly name: string;
  readonly kind: 'object' | 'array';
  readonly target: string;
  readonly mapping: readonly ColumnPair[];
  /** Object relationships over a NOT NULL foreign key of this table are non-null in GraphQL. */
  readonly nullable: boolean;
  readonly description: string | null;
  /** True when inferred by auto-track rather than declared in metadata. */
  readonly inferred: boolean;
  /**
   * For nested inserts: whether the related row is inserted before this one (its key is copied
   * into this row's foreign key) or after it (this row's key fills the related row's columns).
   */
  readonly insertionOrder: 'before_parent' | 'after_parent';
}

/** A computed field, checked against its function. */
export interface ResolvedComputedField {
  readonly name: string;
  readonly function: QualifiedName;
  /** Every argument of the function, in order: the row, the session (json), or a GraphQL input. */
  readonly arguments: readonly (
    | { readonly kind: 'row' }
    | { readonly kind: 'session' }
    | { readonly kind: 'input'; readonly name: string; readonly scalar: string; readonly pgType: QualifiedName }
  )[];
  /** A scalar result, or the rows of a tracked table (SETOF). */
  readonly returns:
    | { readonly kind: 'scalar'; readonly scalar: string; readonly pgType: QualifiedName & { readonly category: string } }
    | { readonly kind: 'table'; readonly target: string };
  readonly description: string | null;
}

export interface RootFieldName {
  readonly name: string;
  readonly description: string | null;
}

export interface ResolvedRootFields {
  readonly select: RootFieldName;
  readonly select_by_pk: RootFieldName;
  readonly select_aggregate: RootFieldName;
  readonly select_stream: RootFieldName;
  readonly insert: RootFieldName;
  readonly insert_one: RootFieldName;
  readonly update: RootFieldName;
  readonly update_by_pk: RootFieldName;
  readonly update_many: RootFieldName;
  readonly delete: RootFieldName;
  readonly delete_by_pk: RootFieldName;
}

export interface ResolvedTable {
  /** `tableKey(info)`; relationships point at tables by this key. */
  readonly key: string;
  readonly info: TableInfo;
  /** The GraphQL object type name; the other type names derive from it (inflection). */
  readonly typeName: string;
  readonly description: string | null;
  readonly columns: readonly ResolvedColumn[];
  readonly columnsByName: ReadonlyMap<string, ResolvedColumn>;
  readonly relationships: readonly ResolvedRelationship[];
  readonly computedFields: readonly ResolvedComputedField[];
  /** Primary key columns, or null for tables and views without one. */
  readonly primaryKey: readonly ResolvedColumn[] | null;
  readonly rootFields: ResolvedRootFields;
  /** The metadata entry of the table (permissions, triggers), or null when auto-tracked. */
  readonly metadata: TableMetadata | null;
}

/** Something in metadata that does not fit the database, reported instead of crashing. */
export interface Inconsistency {
  readonly type: 'table' | 'relationship' | 'column' | 'permission' | 'type';
  readonly name: string;
  readonly table?: QualifiedName;
  readonly reason: string;
}

/** A tracked function: a root field returning rows of a tracked table. */
export interface ResolvedFunction {
  readonly fieldName: string;
  readonly function: QualifiedName;
  readonly arguments: ResolvedComputedField['arguments'];
  readonly target: string;
  readonly description: string | null;
}

export interface ResolvedSchema {
  readonly tables: readonly ResolvedTable[];
  readonly functions: readonly ResolvedFunction[];
  readonly tablesByKey: ReadonlyMap<string, ResolvedTable>;
  readonly metadata: Metadata;
  readonly inconsistencies: readonly Inconsistency[];
  /** Objects skipped on purpose (invalid GraphQL names, name clashes), for a startup warning. */
  readonly warnings: readonly string[];
}
