import type { FragmentDefinitionNode, GraphQLSchema } from 'graphql';
import type { Variables } from './coerce-input.js';

/** What planning one operation needs; `inlinedVariables` is filled while planning. */
export interface PlanContext {
  readonly schema: GraphQLSchema;
  readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>;
  readonly variables: Variables;
  /** Hasura's `--stringify-numeric-types`. */
  readonly stringifyNumeric: boolean;
  /** Variables whose values were folded into constants; the plan cache keys on their values. */
  readonly inlinedVariables: Set<string>;
}
