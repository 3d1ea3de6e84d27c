/**
 * What the planner needs to know about a GraphQL field or input field, attached to the
 * generated schema as `extensions.sluice`. The planner is schema-directed: it reads these
 * instead of looking names up, so a role's schema is also the only source of what it may do.
 */
import type { GraphQLField, GraphQLInputField } from 'graphql';
import type { ResolvedColumn, ResolvedComputedField, ResolvedFunction, ResolvedRelationship, ResolvedSchema, ResolvedTable } from '../resolve/index.js';

/** What one role may read of one table (Hasura's select permission; everything for admin). */
export interface SelectAccess {
  readonly table: ResolvedTable;
  /** The whole resolved schema, for rules that follow relationships or name other tables. */
  readonly resolved: ResolvedSchema;
  /** Columns the role may see, by Postgres column name. */
  readonly columns: ReadonlySet<string>;
  /** Permission filter as metadata JSON; null means all rows. */
  readonly filter: Readonly<Record<string, unknown>> | null;
  readonly limit: number | null;
  readonly allowAggregations: boolean;
  /** `query_root_fields`: which of select, select_by_pk, select_aggregate exist; null means all. */
  readonly rootFields?: ReadonlySet<string> | null;
  /** Computed fields the role may read; undefined means all (admin). */
  readonly computedFields?: ReadonlySet<string>;
  /** Inherited roles: columns visible only where a rule holds (others are null there). */
  readonly columnRules?: ReadonlyMap<string, Readonly<Record<string, unknown>>>;
  /** Inherited roles: the same for computed fields. */
  readonly computedFieldRules?: ReadonlyMap<string, Readonly<Record<string, unknown>>>;
}

/** What one role may insert into one table (Hasura's insert permission; everything for admin). */
export interface InsertAccess {
  readonly table: ResolvedTable;
  readonly resolved: ResolvedSchema;
  /** Columns the client may set, by Postgres column name. */
  readonly columns: ReadonlySet<string>;
  /** Permission check on the inserted rows, as metadata JSON; null means none. */
  readonly check: Readonly<Record<string, unknown>> | null;
  /** Column presets (`set`): values or session-variable names, applied over the client's. */
  readonly presets: Readonly<Record<string, unknown>>;
}

/** What one role may update in one table. */
export interface UpdateAccess {
  readonly table: ResolvedTable;
  readonly resolved: ResolvedSchema;
  readonly columns: ReadonlySet<string>;
  readonly filter: Readonly<Record<string, unknown>> | null;
  readonly check: Readonly<Record<string, unknown>> | null;
  readonly presets: Readonly<Record<string, unknown>>;
}

/** What one role may delete from one table. */
export interface DeleteAccess {
  readonly table: ResolvedTable;
  readonly resolved: ResolvedSchema;
  readonly filter: Readonly<Record<string, unknown>> | null;
}

/** Everything one role may do, table by table (keys are `tableKey`s); absent means nothing. */
export interface RoleAccess {
  readonly select: ReadonlyMap<string, SelectAccess>;
  readonly insert: ReadonlyMap<string, InsertAccess>;
  readonly update: ReadonlyMap<string, UpdateAccess>;
  readonly delete: ReadonlyMap<string, DeleteAccess>;
}

/** The table a mutation root field writes, with the role's rights on it. */
export interface MutationTarget {
  readonly table: ResolvedTable;
  readonly insert: InsertAccess | undefined;
  readonly update: UpdateAccess | undefined;
  readonly delete: DeleteAccess | undefined;
  /** Select access for `returning` and `_one`/`_by_pk` results. */
  readonly select: SelectAccess | undefined;
}

/** Where an inherited role sees a column (elsewhere it is null, also for filters and sorting). */
export interface VisibleWhere {
  readonly rule: Readonly<Record<string, unknown>>;
  readonly access: SelectAccess;
}

export type OutputFieldSpec =
  | { readonly kind: 'select'; readonly access: SelectAccess }
  | { readonly kind: 'select_by_pk'; readonly access: SelectAccess }
  | { readonly kind: 'select_aggregate'; readonly access: SelectAccess }
  | { readonly kind: 'select_function'; readonly function: ResolvedFunction; readonly access: SelectAccess }
  | { readonly kind: 'select_function_aggregate'; readonly function: ResolvedFunction; readonly access: SelectAccess }
  /** `visibleWhere`: inherited roles show the column only on rows this access's rule allows. */
  | { readonly kind: 'column'; readonly column: ResolvedColumn; readonly visibleWhere?: { readonly rule: Readonly<Record<string, unknown>>; readonly access: SelectAccess } }
  | { readonly kind: 'object_relationship'; readonly relationship: ResolvedRelationship; readonly access: SelectAccess }
  | { readonly kind: 'array_relationship'; readonly relationship: ResolvedRelationship; readonly access: SelectAccess }
  | { readonly kind: 'computed_scalar'; readonly field: ResolvedComputedField; readonly visibleWhere?: { readonly rule: Readonly<Record<string, unknown>>; readonly access: SelectAccess } }
  | { readonly kind: 'computed_table'; readonly field: ResolvedComputedField; readonly access: SelectAccess }
  | { readonly kind: 'array_relationship_aggregate'; readonly relationship: ResolvedRelationship; readonly access: SelectAccess }
  | { readonly kind: 'aggregate_fields' }
  | { readonly kind: 'nodes' }
  | { readonly kind: 'count' }
  | { readonly kind: 'aggregate_op'; readonly op: AggregateOp }
  | { readonly kind: 'insert'; readonly target: MutationTarget }
  | { readonly kind: 'insert_one'; readonly target: MutationTarget }
  | { readonly kind: 'update'; readonly target: MutationTarget }
  | { readonly kind: 'update_by_pk'; readonly target: MutationTarget }
  | { readonly kind: 'update_many'; readonly target: MutationTarget }
  | { readonly kind: 'delete'; readonly target: MutationTarget }
  | { readonly kind: 'delete_by_pk'; readonly target: MutationTarget }
  | { readonly kind: 'affected_rows' }
  | { readonly kind: 'returning' };

export type InputFieldSpec =
  | { readonly kind: 'and' }
  | { readonly kind: 'or' }
  | { readonly kind: 'not' }
  | { readonly kind: 'column'; readonly column: ResolvedColumn; readonly visibleWhere?: VisibleWhere }
  | { readonly kind: 'computed_scalar'; readonly field: ResolvedComputedField }
  | { readonly kind: 'computed_table'; readonly field: ResolvedComputedField; readonly access: SelectAccess }
  | { readonly kind: 'relationship'; readonly relationship: ResolvedRelationship; readonly access: SelectAccess }
  | { readonly kind: 'aggregate_predicate'; readonly relationship: ResolvedRelationship; readonly access: SelectAccess }
  | { readonly kind: 'order_column'; readonly column: ResolvedColumn; readonly visibleWhere?: VisibleWhere }
  | { readonly kind: 'order_computed'; readonly field: ResolvedComputedField }
  | { readonly kind: 'order_object_relationship'; readonly relationship: ResolvedRelationship; readonly access: SelectAccess }
  | { readonly kind: 'order_array_aggregate'; readonly relationship: ResolvedRelationship; readonly access: SelectAccess }
  /** `<computed field>_aggregate` of a computed field returning a table's rows; `access` is the role's on that table. */
  | { readonly kind: 'order_computed_aggregate'; readonly field: ResolvedComputedField; readonly access: SelectAccess }
  | { readonly kind: 'order_count' }
  | { readonly kind: 'order_aggregate_op'; readonly op: AggregateOp }
  | { readonly kind: 'insert_column'; readonly column: ResolvedColumn }
  | { readonly kind: 'insert_object_relationship'; readonly relationship: ResolvedRelationship; readonly target: MutationTarget }
  | { readonly kind: 'insert_array_relationship'; readonly relationship: ResolvedRelationship; readonly target: MutationTarget }
  /** A column under `_set`, `_inc`, `_append`, …, or `pk_columns`. */
  | { readonly kind: 'update_column'; readonly column: ResolvedColumn };

export const numericAggregateOps = ['avg', 'stddev', 'stddev_pop', 'stddev_samp', 'sum', 'var_pop', 'var_samp', 'variance'] as const;
export const comparableAggregateOps = ['max', 'min'] as const;
export type AggregateOp = (typeof numericAggregateOps)[number] | (typeof comparableAggregateOps)[number];

export function outputSpec(field: GraphQLField<unknown, unknown>): OutputFieldSpec | undefined {
  return (field.extensions as { sluice?: OutputFieldSpec }).sluice;
}

export function inputSpec(field: GraphQLInputField): InputFieldSpec | undefined {
  return (field.extensions as { sluice?: InputFieldSpec }).sluice;
}
