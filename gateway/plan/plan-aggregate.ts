import { GraphQLObjectType, getNamedType, type SelectionSetNode } from 'graphql';
import { outputSpec } from '../../schema/build/index.js';
import type { Aggregate, AggregateField, AggregateFunctionField, RowSource } from './ir.js';
import type { PlanContext } from './plan-context.js';
import { collectFields, subSelections } from './collect-fields.js';
import { planArguments } from './plan-arguments.js';
import { planFields, stringifies } from './plan-fields.js';
import { validationError } from './validation-error.js';
import { resolveSelectedField } from './resolve-selected-field.js';
import { compileRule } from './plan-hop.js';

/** `<table>_aggregate { aggregate { count sum { … } … } nodes { … } }` over the given rows. */
export function planAggregate(
  selectionSets: readonly SelectionSetNode[],
  type: GraphQLObjectType,
  rows: RowSource,
  path: string,
  context: PlanContext,
): Aggregate {
  const fields: AggregateField[] = [];
  for (const collected of collectFields(selectionSets, path, context)) {
    const name = collected.nodes[0]!.name.value;
    const alias = collected.responseKey;
    if (name === '__typename') {
      fields.push({ kind: 'typename', alias, typename: type.name });
      continue;
    }
    const definition = type.getFields()[name];
    const spec = definition && outputSpec(definition);
    const childType = definition && (getNamedType(definition.type) as GraphQLObjectType);
    const childPath = `${collected.path}.selectionSet`;
    if (spec?.kind === 'nodes') {
      fields.push({ kind: 'nodes', alias, fields: planFields(subSelections(collected), childType!, childPath, context) });
    } else if (spec?.kind === 'aggregate_fields') {
      fields.push({ kind: 'aggregate', alias, typename: childType!.name, fields: planFunctions(subSelections(collected), childType!, childPath, context) });
    } else {
      throw validationError(collected.path, `field '${name}' not found in type: '${type.name}'`);
    }
  }
  return { rows, fields };
}

function planFunctions(selectionSets: readonly SelectionSetNode[], type: GraphQLObjectType, path: string, context: PlanContext): AggregateFunctionField[] {
  const fields: AggregateFunctionField[] = [];
  for (const collected of collectFields(selectionSets, path, context)) {
    const selected = resolveSelectedField(collected, type);
    if (selected.kind === 'typename') {
      fields.push(selected);
      continue;
    }
    const { node, definition, spec } = selected;
    const alias = selected.key.alias;
    if (spec.kind === 'count') {
      const args = planArguments(node, definition, collected.path, context);
      const columnsTree = args.get('columns');
      const columns = !columnsTree || columnsTree.kind === 'null' ? [] : (columnsTree.kind === 'list' ? columnsTree.items : [columnsTree]).map((c) => String(c.kind === 'enum' ? c.value : ''));
      const distinctTree = args.get('distinct');
      fields.push({ kind: 'count', alias, columns, distinct: distinctTree?.kind === 'scalar' && distinctTree.value === true });
    } else if (spec.kind === 'aggregate_op') {
      const opType = getNamedType(definition.type) as GraphQLObjectType;
      const columns: Extract<AggregateFunctionField, { kind: 'op' }>['columns'][number][] = [];
      for (const column of collectFields(subSelections(collected), `${collected.path}.selectionSet`, context)) {
        const columnName = column.nodes[0]!.name.value;
        if (columnName === '__typename') {
          columns.push({ kind: 'typename', alias: column.responseKey, typename: opType.name });
          continue;
        }
        const columnDefinition = opType.getFields()[columnName];
        const columnSpec = columnDefinition && outputSpec(columnDefinition);
        if (!columnSpec || columnSpec.kind !== 'column') throw validationError(column.path, `field '${columnName}' not found in type: '${opType.name}'`);
        columns.push({
          kind: 'column',
          alias: column.responseKey,
          column: columnSpec.column.name,
          stringify: stringifies(columnSpec.column, context),
          ...(columnSpec.visibleWhere ? { condition: compileRule(columnSpec.visibleWhere.rule, columnSpec.visibleWhere.access) ?? { kind: 'true' as const } } : {}),
        });
      }
      fields.push({ kind: 'op', alias, op: spec.op, typename: opType.name, columns });
    } else {
      throw validationError(collected.path, `field '${name}' not found in type: '${type.name}'`);
    }
  }
  return fields;
}
