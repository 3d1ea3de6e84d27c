/**
 * What the planner needs to know about a GraphQL field or input field, attached to the
 * generated schema as `extensions.sluice`. The planner is schema-directed: it reads these
 * instead of looking names up, so a role's schema is also the only source of what it may do.
 */
import type { GraphQLField, GraphQLInputField } from 'graphql';
import type { ResolvedColumn, ResolvedRelationship, ResolvedTable } from '../resolve/index.js';

/** What one role may read of one table (Hasura's select permission; everything for admin). */
export interface SelectAccess {
  readonly table: ResolvedTable;
  /** Columns the role may see, by Postgres column name. */
  readonly columns: ReadonlySet<string>;
  /** Permission filter as metadata JSON; null means all rows. */
  readonly filter: Readonly<Record<string, unknown>> | null;
  readonly limit: number | null;
  readonly allowAggregations: boolean;
}

export type OutputFieldSpec =
  | { readonly kind: 'select'; readonly access: SelectAccess }
  | { readonly kind: 'select_by_pk'; readonly access: SelectAccess }
  | { readonly kind: 'select_aggregate'; readonly access: SelectAccess }
  | { readonly kind: 'column'; readonly column: ResolvedColumn }
  | { readonly kind: 'object_relationship'; readonly relationship: ResolvedRelationship; readonly access: SelectAccess }
  | { readonly kind: 'array_relationship'; readonly relationship: ResolvedRelationship; readonly access: SelectAccess }
  | { readonly kind: 'array_relationship_aggregate'; readonly relationship: ResolvedRelationship; readonly access: SelectAccess }
  | { readonly kind: 'aggregate_fields' }
  | { readonly kind: 'nodes' }
  | { readonly kind: 'count' }
  | { readonly kind: 'aggregate_op'; readonly op: AggregateOp };

export type InputFieldSpec =
  | { readonly kind: 'and' }
  | { readonly kind: 'or' }
  | { readonly kind: 'not' }
  | { readonly kind: 'column'; readonly column: ResolvedColumn }
  | { readonly kind: 'relationship'; readonly relationship: ResolvedRelationship; readonly access: SelectAccess }
  | { readonly kind: 'aggregate_predicate'; readonly relationship: ResolvedRelationship; readonly access: SelectAccess }
  | { readonly kind: 'order_column'; readonly column: ResolvedColumn }
  | { readonly kind: 'order_object_relationship'; readonly relationship: ResolvedRelationship; readonly access: SelectAccess }
  | { readonly kind: 'order_array_aggregate'; readonly relationship: ResolvedRelationship; readonly access: SelectAccess }
  | { readonly kind: 'order_count' }
  | { readonly kind: 'order_aggregate_op'; readonly op: AggregateOp };

export const numericAggregateOps = ['avg', 'stddev', 'stddev_pop', 'stddev_samp', 'sum', 'var_pop', 'var_samp', 'variance'] as const;
export const comparableAggregateOps = ['max', 'min'] as const;
export type AggregateOp = (typeof numericAggregateOps)[number] | (typeof comparableAggregateOps)[number];

export function outputSpec(field: GraphQLField<unknown, unknown>): OutputFieldSpec | undefined {
  return (field.extensions as { sluice?: OutputFieldSpec }).sluice;
}

export function inputSpec(field: GraphQLInputField): InputFieldSpec | undefined {
  return (field.extensions as { sluice?: InputFieldSpec }).sluice;
}
