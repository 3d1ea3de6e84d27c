/**
 * An argument value after validation against its GraphQL input type, whether it was written
 * in the document or passed as a variable. Object fields keep the order they were written in
 * (it matters for `order_by`). Scalars keep where they came from, so the planner can make them
 * parameters without caring about their value.
 */
import type { GraphQLScalarType } from 'graphql';
import type { ParamSource } from './ir.js';

export type InputTree =
  | { readonly kind: 'null' }
  | { readonly kind: 'object'; readonly typeName: string; readonly fields: readonly (readonly [string, InputTree])[] }
  /**
   * `source` is set when the whole list came from one variable (then it binds as one array).
   * `single`: one value was given where the list was expected (GraphQL coerces it to a list of one).
   */
  | { readonly kind: 'list'; readonly items: readonly InputTree[]; readonly source: ParamSource | null; readonly single?: true }
  | { readonly kind: 'enum'; readonly value: unknown; readonly name: string }
  | { readonly kind: 'scalar'; readonly type: GraphQLScalarType; readonly value: unknown; readonly source: ParamSource };

export function fieldOf(tree: InputTree, name: string): InputTree | undefined {
  if (tree.kind !== 'object') return undefined;
  return tree.fields.find(([key]) => key === name)?.[1];
}

/** The source of a list of scalars as one parameter: the variable itself, or its items. */
export function listSource(tree: InputTree): ParamSource {
  if (tree.kind === 'list') {
    if (tree.source) return tree.source;
    return { kind: 'list', items: tree.items.map(listSource) };
  }
  if (tree.kind === 'scalar') return tree.source;
  if (tree.kind === 'enum') return { kind: 'constant', value: tree.value };
  return { kind: 'constant', value: null };
}

/** The items of a list value (a single value counts as a list of one, as GraphQL coerces it). */
export function listItems(tree: InputTree | undefined): InputTree[] {
  if (!tree || tree.kind === 'null') return [];
  return tree.kind === 'list' ? [...tree.items] : [tree];
}
