import { GraphQLObjectType, getNamedType, type OperationDefinitionNode } from 'graphql';
import { outputSpec } from '../../schema/build/index.js';
import type { QueryPlan, RootField } from './ir.js';
import type { PlanContext } from './plan-context.js';
import { collectFields, subSelections } from './collect-fields.js';
import { planArguments } from './plan-arguments.js';
import { planFields } from './plan-fields.js';
import { planRows } from './plan-rows.js';
import { planAggregate } from './plan-aggregate.js';
import { and } from './plan-bool-exp.js';
import { planPrimaryKey } from './plan-primary-key.js';
import { permissionFilter } from './plan-hop.js';
import { validationError } from './validation-error.js';
import { planFunctionCall } from './plan-function-call.js';

/** A query operation → one root field plan per response key, in response order. */
export function planQuery(operation: OperationDefinitionNode, context: PlanContext): QueryPlan {
  const root = context.schema.getQueryType()!;
  const rootFields: RootField[] = [];
  for (const collected of collectFields([operation.selectionSet], '$.selectionSet', context)) {
    const node = collected.nodes[0]!;
    const name = node.name.value;
    const alias = collected.responseKey;
    if (name === '__typename') {
      rootFields.push({ kind: 'typename', alias, typename: root.name });
      continue;
    }
    if (name === '__schema' || name === '__type') {
      rootFields.push({ kind: 'introspection', alias });
      continue;
    }
    const definition = root.getFields()[name];
    const spec = definition && outputSpec(definition);
    if (!definition || !spec) throw validationError(collected.path, `field '${name}' not found in type: '${root.name}'`);
    const args = planArguments(node, definition, collected.path, context);
    const childType = getNamedType(definition.type) as GraphQLObjectType;
    const childPath = `${collected.path}.selectionSet`;
    switch (spec.kind) {
      case 'select':
        rootFields.push({
          kind: 'select',
          alias,
          rows: planRows(node, definition, args, spec.access, collected.path, context),
          fields: planFields(subSelections(collected), childType, childPath, context),
        });
        break;
      case 'select_aggregate':
        rootFields.push({
          kind: 'aggregate',
          alias,
          aggregate: planAggregate(subSelections(collected), childType, planRows(node, definition, args, spec.access, collected.path, context), childPath, context),
        });
        break;
      case 'select_function':
      case 'select_function_aggregate': {
        const fromCall = planFunctionCall(spec.function, args.get('args'), collected.path);
        const rows = { ...planRows(node, definition, args, spec.access, collected.path, context), fromCall };
        rootFields.push(
          spec.kind === 'select_function'
            ? { kind: 'select', alias, rows, fields: planFields(subSelections(collected), childType, childPath, context) }
            : { kind: 'aggregate', alias, aggregate: planAggregate(subSelections(collected), childType, rows, childPath, context) },
        );
        break;
      }
      case 'select_by_pk': {
        const where = and([planPrimaryKey(spec.access.table, (name) => args.get(name), `${collected.path}.args`), permissionFilter(spec.access)]);
        const info = spec.access.table.info;
        rootFields.push({
          kind: 'select_one',
          alias,
          rows: {
            table: { schema: info.schema, name: info.name },
            where,
            orderBy: [],
            distinctOn: null,
            limit: null,
            permissionLimit: null,
            offset: null,
            columns: info.columns.map((column) => column.name),
          },
          fields: planFields(subSelections(collected), childType, childPath, context),
        });
        break;
      }
      default:
        throw validationError(collected.path, `field '${name}' not found in type: '${root.name}'`);
    }
  }
  return { operation: 'query', rootFields };
}
