import {
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  Kind,
  getDirectiveValues,
  type FieldNode,
  type FragmentDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { Variables } from './coerce-input.js';

export interface CollectedField {
  readonly responseKey: string;
  /** Every node with this response key; GraphQL merges their selections. */
  readonly nodes: readonly FieldNode[];
  /** Hasura's request path of the field, e.g. `$.selectionSet.author.selectionSet.articles`. */
  readonly path: string;
}

export interface CollectContext {
  readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>;
  readonly variables: Variables;
}

function isIncluded(node: FieldNode | SelectionSetNode['selections'][number], variables: Variables): boolean {
  const skip = getDirectiveValues(GraphQLSkipDirective, node, variables);
  if (skip?.if === true) return false;
  const include = getDirectiveValues(GraphQLIncludeDirective, node, variables);
  return include?.if !== false;
}

/**
 * The fields of selection sets in response order, with fragments spread and `@skip`/`@include`
 * applied (graphql-js `collectFields`, plus Hasura's request paths through fragments).
 */
export function collectFields(
  selectionSets: readonly SelectionSetNode[],
  selectionSetPath: string,
  context: CollectContext,
): CollectedField[] {
  const byKey = new Map<string, { nodes: FieldNode[]; path: string }>();
  const visit = (selectionSet: SelectionSetNode, path: string) => {
    for (const selection of selectionSet.selections) {
      if (!isIncluded(selection, context.variables)) continue;
      if (selection.kind === Kind.FIELD) {
        const key = selection.alias?.value ?? selection.name.value;
        const entry = byKey.get(key);
        if (entry) entry.nodes.push(selection);
        else byKey.set(key, { nodes: [selection], path: `${path}.${key}` });
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        visit(selection.selectionSet, path);
      } else {
        const fragment = context.fragments.get(selection.name.value);
        if (fragment) visit(fragment.selectionSet, `${path}.${selection.name.value}.selectionSet`);
      }
    }
  };
  for (const selectionSet of selectionSets) visit(selectionSet, selectionSetPath);
  return [...byKey].map(([responseKey, { nodes, path }]) => ({ responseKey, nodes, path }));
}

/** The merged sub-selections of a collected field. */
export function subSelections(field: CollectedField): SelectionSetNode[] {
  return field.nodes.flatMap((node) => (node.selectionSet ? [node.selectionSet] : []));
}
