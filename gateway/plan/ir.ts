/**
 * The query IR: what a GraphQL operation asks of the database, after permissions, with no SQL
 * in it. The planner produces it, the compiler turns it into SQL. Values are `Param`s that say
 * where the value comes from (a literal of the document, a variable, a session variable), never
 * the value baked into text, so one compiled plan serves every request of the same shape — and
 * so a later compiler can bind them to a row of an `unnest(...)` list for multiplexed
 * subscriptions.
 */
import type { QualifiedName } from '../../schema/model/database-model.js';
import type { ColumnPair } from '../../schema/resolve/index.js';
import type { AggregateOp } from '../../schema/build/index.js';

export type ParamSource =
  | { readonly kind: 'constant'; readonly value: unknown }
  | { readonly kind: 'variable'; readonly name: string; readonly path: readonly (string | number)[] }
  | { readonly kind: 'session'; readonly name: string }
  | { readonly kind: 'list'; readonly items: readonly ParamSource[] }
  /** An object assembled from sources (rows of a batch insert, sent as one JSON value). */
  | { readonly kind: 'object'; readonly fields: readonly (readonly [string, ParamSource])[] }
  /** A value known only while executing (a parent row's key during a nested insert). */
  | { readonly kind: 'runtime'; readonly name: string }
  /** All session variables as one JSON object (a computed field's session argument). */
  | { readonly kind: 'session_all' };

/**
 * How a bound value is turned into what `pg` sends: `json` stringifies (jsonb values), `jsonPath`
 * parses Hasura's `$.a[0]` syntax into a text[] path, `nonNegativeInt` checks limit and offset.
 */
export type ParamEncoding = 'plain' | 'json' | 'jsonPath' | 'nonNegativeInt' | 'geojson';

export interface Param {
  readonly kind: 'param';
  readonly source: ParamSource;
  /** The type the parameter is cast to in SQL; null for `text`. */
  readonly pgType: QualifiedName | null;
  readonly array: boolean;
  readonly encoding: ParamEncoding;
  /** Where in the request the value came from, for errors found while binding. */
  readonly path: string;
}

/** A call of a computed field's function on the row in scope. */
export interface FunctionCall {
  readonly function: QualifiedName;
  readonly arguments: readonly ({ readonly kind: 'row' } | { readonly kind: 'value'; readonly value: Param })[];
}

/** A column of the table in scope (or a scalar computed field), optionally cast (jsonb `_cast`). */
export interface ColumnOperand {
  readonly column: string;
  readonly castToText?: boolean;
  readonly call?: FunctionCall;
  /** The column is null where this does not hold (inherited roles' partly granted columns). */
  readonly condition?: BoolExp;
}

export type CompareOp =
  | '_eq' | '_neq' | '_gt' | '_lt' | '_gte' | '_lte' | '_in' | '_nin'
  | '_like' | '_nlike' | '_ilike' | '_nilike' | '_similar' | '_nsimilar'
  | '_regex' | '_nregex' | '_iregex' | '_niregex'
  | '_contains' | '_contained_in' | '_has_key' | '_has_keys_any' | '_has_keys_all'
  | '_ancestor' | '_ancestor_any' | '_descendant' | '_descendant_any' | '_matches' | '_matches_any' | '_matches_fulltext'
  | '_st_contains' | '_st_crosses' | '_st_equals' | '_st_intersects' | '_st_overlaps' | '_st_touches' | '_st_within';

/** A hop from the table in scope to a related table, with the target's permission filter. */
export interface Hop {
  readonly table: QualifiedName;
  readonly mapping: readonly ColumnPair[];
  readonly filter: BoolExp | null;
  /** No target key column is an array (or a domain over one): keys fit in one `ARRAY(…)`. */
  readonly scalarKeys?: boolean;
}

export type BoolExp =
  | { readonly kind: 'true' }
  | { readonly kind: 'false' }
  | { readonly kind: 'and'; readonly items: readonly BoolExp[] }
  | { readonly kind: 'or'; readonly items: readonly BoolExp[] }
  | { readonly kind: 'not'; readonly item: BoolExp }
  | { readonly kind: 'compare'; readonly operand: ColumnOperand; readonly op: CompareOp; readonly value: Param }
  | { readonly kind: 'is_null'; readonly operand: ColumnOperand; readonly isNull: boolean }
  /** PostGIS `_st_d_within: {distance, from}`: within a distance of a shape. */
  | { readonly kind: 'st_d_within'; readonly operand: ColumnOperand; readonly distance: Param; readonly from: Param; readonly postgis: string }
  /** Permission rules' `_ceq`, `_cgt`, …: two columns of the same row. */
  | { readonly kind: 'column_compare'; readonly left: string; readonly op: CompareOp; readonly right: string; readonly rightFromRoot?: boolean }
  /** A set-returning computed field as a filter: some row it returns matches. */
  | { readonly kind: 'exists_call'; readonly call: FunctionCall; readonly where: BoolExp }
  /** Relationship filter: some related row exists and matches (Hasura's exists-semantics). */
  | { readonly kind: 'exists'; readonly hop: Hop; readonly where: BoolExp }
  /** `<rel>_aggregate: {count: {predicate: {_gt: 1}}}`. */
  | {
      readonly kind: 'aggregate_predicate';
      readonly hop: Hop;
      readonly fn: 'count' | 'bool_and' | 'bool_or';
      readonly columns: readonly string[];
      readonly distinct: boolean;
      readonly filter: BoolExp | null;
      readonly predicate: BoolExp;
    };

export type OrderKey =
  | { readonly kind: 'column'; readonly column: string; readonly condition?: BoolExp }
  | { readonly kind: 'computed'; readonly call: FunctionCall }
  | { readonly kind: 'object_relationship'; readonly hop: Hop; readonly key: OrderKey }
  | { readonly kind: 'array_aggregate'; readonly hop: Hop; readonly fn: 'count' | AggregateOp; readonly column: string | null }
  /** An aggregate of the rows a table computed field returns for the row, under `filter` (the role's on that table). */
  | { readonly kind: 'computed_aggregate'; readonly call: FunctionCall; readonly filter: BoolExp | null; readonly fn: 'count' | AggregateOp; readonly column: string | null };

export interface OrderBy {
  readonly key: OrderKey;
  readonly direction: 'ASC' | 'DESC';
  readonly nulls: 'FIRST' | 'LAST';
}

/** Which rows of a table: shared by lists, aggregates and relationships. */
export interface RowSource {
  readonly table: QualifiedName;
  /** The request's `where` and the role's filter, already combined. */
  readonly where: BoolExp | null;
  readonly orderBy: readonly OrderBy[];
  readonly distinctOn: readonly string[] | null;
  readonly limit: Param | null;
  /** The role's row limit, applied on top of `limit`. */
  readonly permissionLimit: number | null;
  readonly offset: Param | null;
  /** Rows come from a set-returning computed field of the outer row instead of the table. */
  readonly fromCall?: FunctionCall;
  /**
   * Every column of the table (the function's row type), in order, whatever the role sees:
   * rows kept in a CTE are read back as exactly these, so they still have the table's type.
   */
  readonly columns: readonly string[];
}

export interface ColumnOutput {
  readonly column: string;
  /** Output as JSON text instead of a number (Hasura's stringify-numeric-types). */
  readonly stringify: boolean;
  /** PostGIS geometry/geography: output as GeoJSON (`ST_AsGeoJSON(col, 15, 4)`), from this schema. */
  readonly geoJson?: string;
  /** Array columns are cast element-wise when stringified. */
  readonly isArray: boolean;
  readonly jsonPath: Param | null;
  /** Shown only where this holds, null elsewhere (a column an inherited role has on some rows). */
  readonly condition?: BoolExp;
}

/**
 * A field's response key. `schemaName` is set, from the schema, when the key is the field's own
 * name (no alias): the compiler may then use it as a SQL column name, which it never does with
 * request text.
 */
export interface ResponseKey {
  readonly alias: string;
  readonly schemaName?: string;
}

export type Field = ResponseKey &
  (
    | { readonly kind: 'typename'; readonly typename: string }
    | ({ readonly kind: 'column' } & ColumnOutput)
    | { readonly kind: 'object_relationship'; readonly hop: Hop; readonly fields: readonly Field[] }
    | { readonly kind: 'array_relationship'; readonly hop: Hop; readonly rows: RowSource; readonly fields: readonly Field[] }
    | { readonly kind: 'array_aggregate'; readonly hop: Hop; readonly aggregate: Aggregate }
    | { readonly kind: 'computed_scalar'; readonly call: FunctionCall; readonly stringify: boolean; readonly condition?: BoolExp }
    | { readonly kind: 'computed_table'; readonly rows: RowSource; readonly fields: readonly Field[] }
  );

export type AggregateFunctionField =
  | { readonly kind: 'typename'; readonly alias: string; readonly typename: string }
  | { readonly kind: 'count'; readonly alias: string; readonly columns: readonly string[]; readonly distinct: boolean }
  | {
      readonly kind: 'op';
      readonly alias: string;
      readonly op: AggregateOp;
      readonly typename: string;
      readonly columns: readonly ({ readonly alias: string } & ({ readonly kind: 'column'; readonly column: string; readonly stringify: boolean; readonly condition?: BoolExp } | { readonly kind: 'typename'; readonly typename: string }))[];
    };

export type AggregateField =
  | { readonly kind: 'typename'; readonly alias: string; readonly typename: string }
  | { readonly kind: 'aggregate'; readonly alias: string; readonly typename: string; readonly fields: readonly AggregateFunctionField[] }
  | { readonly kind: 'nodes'; readonly alias: string; readonly fields: readonly Field[] };

export interface Aggregate {
  readonly rows: RowSource;
  readonly fields: readonly AggregateField[];
}

/** One root field of a query operation. */
export type RootField =
  | { readonly kind: 'select'; readonly alias: string; readonly rows: RowSource; readonly fields: readonly Field[] }
  | { readonly kind: 'select_one'; readonly alias: string; readonly rows: RowSource; readonly fields: readonly Field[] }
  | { readonly kind: 'aggregate'; readonly alias: string; readonly aggregate: Aggregate }
  | { readonly kind: 'typename'; readonly alias: string; readonly typename: string }
  /** `__schema` / `__type`: answered by graphql-js from the role's schema, not by SQL. */
  | { readonly kind: 'introspection'; readonly alias: string };

export interface QueryPlan {
  readonly operation: 'query';
  readonly rootFields: readonly RootField[];
}

/** What a mutation root field answers with. */
export type MutationOutput =
  | {
      readonly kind: 'response';
      /** The role's select filter: `returning` shows only rows it may read. */
      readonly filter: BoolExp | null;
      readonly fields: readonly (
        | { readonly kind: 'affected_rows'; readonly alias: string }
        | { readonly kind: 'returning'; readonly alias: string; readonly fields: readonly Field[] }
        | { readonly kind: 'typename'; readonly alias: string; readonly typename: string }
      )[];
    }
  /** `insert_<t>_one`, `update_<t>_by_pk`, `delete_<t>_by_pk`: the row, or null. */
  | { readonly kind: 'one'; readonly fields: readonly Field[]; readonly filter: BoolExp | null };

export interface OnConflict {
  readonly constraint: { readonly name: string; readonly columns: readonly string[]; readonly byIndex: boolean };
  /** Empty: `DO NOTHING`. */
  readonly updateColumns: readonly string[];
  readonly where: BoolExp | null;
}

/** One row to insert: column values, and nested inserts through relationships. */
export interface InsertRow {
  readonly columns: readonly { readonly column: string; readonly value: Param }[];
  /** Parents inserted first; their key is copied into this row's foreign key columns. */
  readonly objectRelationships: readonly { readonly mapping: readonly { readonly from: string; readonly to: string }[]; readonly insert: NestedInsert }[];
  /** Children inserted after; this row's key fills their foreign key columns. */
  readonly arrayRelationships: readonly { readonly mapping: readonly { readonly from: string; readonly to: string }[]; readonly insert: NestedInsert }[];
}

export interface NestedInsert {
  readonly table: QualifiedName;
  readonly rows: readonly InsertRow[];
  readonly onConflict: OnConflict | null;
  /** Columns of the table with their types, for casting values. */
  readonly columnTypes: ReadonlyMap<string, QualifiedName & { readonly array: boolean }>;
  readonly primaryKey: readonly string[] | null;
  /** The insert permission's `check`, evaluated on every inserted row. */
  readonly check: BoolExp | null;
}

export type UpdateOperation =
  | { readonly kind: '_set'; readonly column: string; readonly value: Param }
  | { readonly kind: '_inc'; readonly column: string; readonly value: Param }
  | { readonly kind: '_append'; readonly column: string; readonly value: Param }
  | { readonly kind: '_prepend'; readonly column: string; readonly value: Param }
  | { readonly kind: '_delete_key'; readonly column: string; readonly value: Param }
  | { readonly kind: '_delete_elem'; readonly column: string; readonly value: Param }
  | { readonly kind: '_delete_at_path'; readonly column: string; readonly value: Param };

export interface UpdateStep {
  readonly table: QualifiedName;
  readonly where: BoolExp;
  readonly operations: readonly UpdateOperation[];
  /** The update permission's `check`, evaluated on every updated row. */
  readonly check: BoolExp | null;
}

export type MutationField =
  | { readonly kind: 'typename'; readonly alias: string; readonly typename: string }
  | { readonly kind: 'insert'; readonly alias: string; readonly path: string; readonly insert: NestedInsert; readonly output: MutationOutput }
  | { readonly kind: 'update'; readonly alias: string; readonly path: string; readonly update: UpdateStep; readonly output: MutationOutput }
  | { readonly kind: 'update_many'; readonly alias: string; readonly path: string; readonly updates: readonly UpdateStep[]; readonly output: MutationOutput }
  | { readonly kind: 'delete'; readonly alias: string; readonly path: string; readonly table: QualifiedName; readonly where: BoolExp; readonly output: MutationOutput };

export interface MutationPlan {
  readonly operation: 'mutation';
  readonly rootFields: readonly MutationField[];
}
