import { GraphQLObjectType, getNamedType, type SelectionSetNode } from 'graphql';
import type { ResolvedColumn } from '../../schema/resolve/index.js';
import type { Field } from './ir.js';
import type { PlanContext } from './plan-context.js';
import { collectFields, subSelections } from './collect-fields.js';
import { planArguments } from './plan-arguments.js';
import { planRows } from './plan-rows.js';
import { compileRule, planHop } from './plan-hop.js';
import { planAggregate } from './plan-aggregate.js';
import { typedParam } from './make-param.js';
import { planFunctionCall } from './plan-function-call.js';
import { validationError } from './validation-error.js';
import { resolveSelectedField } from './resolve-selected-field.js';

const stringifiable = new Set(['int8', 'numeric', 'float8', 'money']);

/** PostGIS columns, answered as GeoJSON. */
export function isShape(column: ResolvedColumn): boolean {
  return column.scalarPgType.name === 'geometry' || column.scalarPgType.name === 'geography';
}

/** Whether a column is output as a JSON string under `--stringify-numeric-types`. */
export function stringifies(column: ResolvedColumn, context: PlanContext): boolean {
  return context.stringifyNumeric && stringifiable.has(column.scalarPgType.name);
}

/** The selection set of a table's object type → output fields, in response order. */
export function planFields(
  selectionSets: readonly SelectionSetNode[],
  type: GraphQLObjectType,
  path: string,
  context: PlanContext,
): Field[] {
  const fields: Field[] = [];
  for (const collected of collectFields(selectionSets, path, context)) {
    const selected = resolveSelectedField(collected, type);
    if (selected.kind === 'typename') {
      fields.push(selected);
      continue;
    }
    const { key, name, node, definition, spec } = selected;
    const args = planArguments(node, definition, collected.path, context);
    const childPath = `${collected.path}.selectionSet`;
    const childType = getNamedType(definition.type);
    switch (spec.kind) {
      case 'column': {
        const pathTree = args.get('path');
        fields.push({
          kind: 'column',
          ...key,
          column: spec.column.name,
          stringify: stringifies(spec.column, context),
          isArray: spec.column.isArray,
          ...(isShape(spec.column) ? { geoJson: spec.column.scalarPgType.schema } : {}),
          ...(spec.visibleWhere ? { condition: compileRule(spec.visibleWhere.rule, spec.visibleWhere.access) ?? { kind: 'true' as const } } : {}),
          jsonPath: pathTree && pathTree.kind !== 'null' ? typedParam(pathTree, { schema: 'pg_catalog', name: 'text' }, true, `${collected.path}.args.path`, 'jsonPath') : null,
        });
        break;
      }
      case 'computed_scalar': {
        const returns = spec.field.returns as Extract<typeof spec.field.returns, { kind: 'scalar' }>;
        fields.push({
          kind: 'computed_scalar',
          ...key,
          call: planFunctionCall(spec.field, args.get('args'), collected.path),
          stringify: context.stringifyNumeric && stringifiable.has(returns.pgType.name),
          ...(spec.visibleWhere ? { condition: compileRule(spec.visibleWhere.rule, spec.visibleWhere.access) ?? { kind: 'true' as const } } : {}),
        });
        break;
      }
      case 'computed_table':
        fields.push({
          kind: 'computed_table',
          ...key,
          rows: { ...planRows(node, definition, args, spec.access, collected.path, context), fromCall: planFunctionCall(spec.field, args.get('args'), collected.path) },
          fields: planFields(subSelections(collected), childType as GraphQLObjectType, childPath, context),
        });
        break;
      case 'object_relationship':
        fields.push({
          kind: 'object_relationship',
          ...key,
          hop: planHop(spec.relationship, spec.access),
          fields: planFields(subSelections(collected), childType as GraphQLObjectType, childPath, context),
        });
        break;
      case 'array_relationship':
        fields.push({
          kind: 'array_relationship',
          ...key,
          hop: { ...planHop(spec.relationship, spec.access), filter: null },
          rows: planRows(node, definition, args, spec.access, collected.path, context),
          fields: planFields(subSelections(collected), childType as GraphQLObjectType, childPath, context),
        });
        break;
      case 'array_relationship_aggregate':
        fields.push({
          kind: 'array_aggregate',
          ...key,
          hop: { ...planHop(spec.relationship, spec.access), filter: null },
          aggregate: planAggregate(subSelections(collected), childType as GraphQLObjectType, planRows(node, definition, args, spec.access, collected.path, context), childPath, context),
        });
        break;
      default:
        throw validationError(collected.path, `field '${name}' not found in type: '${type.name}'`);
    }
  }
  return fields;
}
