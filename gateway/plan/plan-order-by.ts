import { GraphQLInputObjectType, getNamedType } from 'graphql';
import { inputSpec } from '../../schema/build/index.js';
import type { OrderBy, OrderKey } from './ir.js';
import type { InputTree } from './input-tree.js';
import { compileRule, permissionFilter, planHop } from './plan-hop.js';
import { planFunctionCall } from './plan-function-call.js';
import { validationError } from './validation-error.js';

const directions: Record<string, Pick<OrderBy, 'direction' | 'nulls'>> = {
  asc: { direction: 'ASC', nulls: 'LAST' },
  asc_nulls_first: { direction: 'ASC', nulls: 'FIRST' },
  asc_nulls_last: { direction: 'ASC', nulls: 'LAST' },
  desc: { direction: 'DESC', nulls: 'FIRST' },
  desc_nulls_first: { direction: 'DESC', nulls: 'FIRST' },
  desc_nulls_last: { direction: 'DESC', nulls: 'LAST' },
};

/**
 * `order_by: [<table>_order_by!]` → sort keys. List entries apply in order and so do the keys
 * inside one object, in the order written; `null` values are ignored (Hasura §5).
 */
export function planOrderBy(tree: InputTree, type: GraphQLInputObjectType, path: string): OrderBy[] {
  const entries = tree.kind === 'list' ? tree.items : tree.kind === 'null' ? [] : [tree];
  return entries.flatMap((entry, i) => planOrderByObject(entry, type, tree.kind === 'list' ? `${path}[${i}]` : path, (key) => key));
}

function planOrderByObject(tree: InputTree, type: GraphQLInputObjectType, path: string, wrap: (key: OrderKey) => OrderKey): OrderBy[] {
  if (tree.kind !== 'object') return [];
  const fields = type.getFields();
  const result: OrderBy[] = [];
  for (const [name, value] of tree.fields) {
    if (value.kind === 'null') continue;
    const fieldPath = `${path}.${name}`;
    const definition = fields[name];
    const spec = definition && inputSpec(definition);
    if (!definition || !spec) throw validationError(fieldPath, `field '${name}' not found in type: '${type.name}'`);
    const direction = () => directions[value.kind === 'enum' ? String(value.value) : 'asc']!;
    switch (spec.kind) {
      case 'order_column': {
        const condition = spec.visibleWhere ? compileRule(spec.visibleWhere.rule, spec.visibleWhere.access) : null;
        result.push({ key: wrap({ kind: 'column', column: spec.column.name, ...(condition ? { condition } : {}) }), ...direction() });
        break;
      }
      case 'order_computed':
        result.push({ key: wrap({ kind: 'computed', call: planFunctionCall(spec.field, undefined, fieldPath) }), ...direction() });
        break;
      case 'order_object_relationship': {
        const hop = planHop(spec.relationship, spec.access);
        const nested = getNamedType(definition.type) as GraphQLInputObjectType;
        result.push(...planOrderByObject(value, nested, fieldPath, (key) => wrap({ kind: 'object_relationship', hop, key })));
        break;
      }
      case 'order_array_aggregate': {
        const hop = planHop(spec.relationship, spec.access);
        const nested = getNamedType(definition.type) as GraphQLInputObjectType;
        result.push(...planAggregateOrderBy(value, nested, fieldPath, (fn, column) => wrap({ kind: 'array_aggregate', hop, fn, column })));
        break;
      }
      case 'order_computed_aggregate': {
        const call = planFunctionCall(spec.field, undefined, fieldPath);
        const filter = permissionFilter(spec.access);
        const nested = getNamedType(definition.type) as GraphQLInputObjectType;
        result.push(...planAggregateOrderBy(value, nested, fieldPath, (fn, column) => wrap({ kind: 'computed_aggregate', call, filter, fn, column })));
        break;
      }
      default:
        throw validationError(fieldPath, `field '${name}' not found in type: '${type.name}'`);
    }
  }
  return result;
}

function planAggregateOrderBy(
  tree: InputTree,
  type: GraphQLInputObjectType,
  path: string,
  key: (fn: Extract<OrderKey, { kind: 'array_aggregate' }>['fn'], column: string | null) => OrderKey,
): OrderBy[] {
  if (tree.kind !== 'object') return [];
  const result: OrderBy[] = [];
  for (const [name, value] of tree.fields) {
    if (value.kind === 'null') continue;
    const definition = type.getFields()[name];
    const spec = definition && inputSpec(definition);
    if (!definition || !spec) throw validationError(`${path}.${name}`, `field '${name}' not found in type: '${type.name}'`);
    if (spec.kind === 'order_count') {
      result.push({ key: key('count', null), ...directions[String(value.kind === 'enum' ? value.value : 'asc')]! });
    } else if (spec.kind === 'order_aggregate_op' && value.kind === 'object') {
      const opType = getNamedType(definition.type) as GraphQLInputObjectType;
      for (const [columnName, direction] of value.fields) {
        if (direction.kind === 'null') continue;
        const columnSpec = opType.getFields()[columnName];
        const column = columnSpec && inputSpec(columnSpec);
        if (!column || column.kind !== 'order_column') throw validationError(`${path}.${name}.${columnName}`, `field '${columnName}' not found in type: '${opType.name}'`);
        result.push({ key: key(spec.op, column.column.name), ...directions[String(direction.kind === 'enum' ? direction.value : 'asc')]! });
      }
    }
  }
  return result;
}
