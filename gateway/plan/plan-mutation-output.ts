import { GraphQLObjectType, getNamedType, type SelectionSetNode } from 'graphql';
import { outputSpec } from '../../schema/build/index.js';
import type { BoolExp, MutationOutput } from './ir.js';
import type { PlanContext } from './plan-context.js';
import { collectFields, subSelections } from './collect-fields.js';
import { planFields } from './plan-fields.js';
import { validationError } from './validation-error.js';

/** `{affected_rows returning {…}}` of `<table>_mutation_response`. */
export function planMutationResponse(selectionSets: readonly SelectionSetNode[], type: GraphQLObjectType, path: string, context: PlanContext, filter: BoolExp | null): MutationOutput {
  const fields: Extract<MutationOutput, { kind: 'response' }>['fields'][number][] = [];
  for (const collected of collectFields(selectionSets, path, context)) {
    const name = collected.nodes[0]!.name.value;
    if (name === '__typename') {
      fields.push({ kind: 'typename', alias: collected.responseKey, typename: type.name });
      continue;
    }
    const definition = type.getFields()[name];
    const spec = definition && outputSpec(definition);
    if (spec?.kind === 'affected_rows') {
      fields.push({ kind: 'affected_rows', alias: collected.responseKey });
    } else if (spec?.kind === 'returning') {
      const rowType = getNamedType(definition!.type) as GraphQLObjectType;
      fields.push({ kind: 'returning', alias: collected.responseKey, fields: planFields(subSelections(collected), rowType, `${collected.path}.selectionSet`, context) });
    } else {
      throw validationError(collected.path, `field '${name}' not found in type: '${type.name}'`);
    }
  }
  return { kind: 'response', fields, filter };
}

/** The row of a `_one` / `_by_pk` mutation field. */
export function planMutationRow(selectionSets: readonly SelectionSetNode[], type: GraphQLObjectType, path: string, context: PlanContext, filter: BoolExp | null): MutationOutput {
  return { kind: 'one', fields: planFields(selectionSets, type, path, context), filter };
}
