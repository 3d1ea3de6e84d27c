import { GraphQLInputObjectType, getNamedType } from 'graphql';
import { inputSpec } from '../../schema/build/index.js';
import type { BoolExp } from './ir.js';
import { fieldOf, listItems, type InputTree } from './input-tree.js';
import { planComparison, planComputedComparison } from './plan-comparison.js';
import { compileRule, planHop, permissionFilter } from './plan-hop.js';
import { planFunctionCall } from './plan-function-call.js';
import { withOperand } from './with-operand.js';
import { validationError } from './validation-error.js';

export function and(items: readonly (BoolExp | null)[]): BoolExp {
  const kept = items.filter((i): i is BoolExp => i !== null && i.kind !== 'true');
  if (kept.length === 0) return { kind: 'true' };
  return kept.length === 1 ? kept[0]! : { kind: 'and', items: kept };
}

/**
 * `<table>_bool_exp` → BoolExp. Fields of one object are ANDed; `{}` and `_and: []` are true,
 * `_or: []` is false; relationship filters mean "some related row exists and matches".
 */
export function planBoolExp(tree: InputTree, type: GraphQLInputObjectType, path: string): BoolExp {
  if (tree.kind !== 'object') return { kind: 'true' };
  const fields = type.getFields();
  const items: BoolExp[] = [];
  for (const [name, value] of tree.fields) {
    const fieldPath = `${path}.${name}`;
    const definition = fields[name];
    const spec = definition && inputSpec(definition);
    if (!definition || !spec) throw validationError(fieldPath, `field '${name}' not found in type: '${type.name}'`);
    const nested = getNamedType(definition.type);
    const list = listItems;
    switch (spec.kind) {
      case 'and':
        items.push(and(list(value).map((item, i) => planBoolExp(item, nested as GraphQLInputObjectType, `${fieldPath}[${i}]`))));
        break;
      case 'or': {
        const alternatives = list(value).map((item, i) => planBoolExp(item, nested as GraphQLInputObjectType, `${fieldPath}[${i}]`));
        items.push(alternatives.length === 1 ? alternatives[0]! : { kind: 'or', items: alternatives });
        break;
      }
      case 'not':
        if (value.kind !== 'null') items.push({ kind: 'not', item: planBoolExp(value, nested as GraphQLInputObjectType, fieldPath) });
        break;
      case 'column': {
        const comparison = planComparison(value, spec.column, fieldPath);
        const condition = spec.visibleWhere ? compileRule(spec.visibleWhere.rule, spec.visibleWhere.access) : null;
        // The column as the role sees it: null where it may not see it.
        items.push(condition ? withOperand(comparison, { condition }) : comparison);
        break;
      }
      case 'computed_scalar':
        items.push(planComputedComparison(value, spec.field, fieldPath));
        break;
      case 'computed_table':
        items.push({
          kind: 'exists_call',
          call: planFunctionCall(spec.field, undefined, fieldPath),
          where: and([planBoolExp(value, nested as GraphQLInputObjectType, fieldPath), permissionFilter(spec.access)]),
        });
        break;
      case 'relationship':
        items.push({
          kind: 'exists',
          hop: planHop(spec.relationship, spec.access),
          where: planBoolExp(value, nested as GraphQLInputObjectType, fieldPath),
        });
        break;
      case 'aggregate_predicate':
        items.push(planAggregatePredicate(value, nested as GraphQLInputObjectType, fieldPath, spec));
        break;
      default:
        throw validationError(fieldPath, `field '${name}' not found in type: '${type.name}'`);
    }
  }
  return and(items);
}

function planAggregatePredicate(
  tree: InputTree,
  type: GraphQLInputObjectType,
  path: string,
  spec: Extract<ReturnType<typeof inputSpec>, { kind: 'aggregate_predicate' }>,
): BoolExp {
  if (tree.kind !== 'object' || tree.fields.length !== 1) {
    throw validationError(path, 'exactly one aggregation function must be given');
  }
  const [fn, args] = tree.fields[0]!;
  const fnPath = `${path}.${fn}`;
  const fnType = getNamedType(type.getFields()[fn]!.type) as GraphQLInputObjectType;
  const argumentsTree = fieldOf(args, 'arguments');
  const columns =
    argumentsTree === undefined || argumentsTree.kind === 'null'
      ? []
      : (argumentsTree.kind === 'list' ? argumentsTree.items : [argumentsTree]).map((item) => String(item.kind === 'enum' ? item.value : ''));
  const distinctTree = fieldOf(args, 'distinct');
  const filterTree = fieldOf(args, 'filter');
  const predicateTree = fieldOf(args, 'predicate')!;
  const filterType = getNamedType(fnType.getFields().filter!.type) as GraphQLInputObjectType;
  const predicateType = getNamedType(fnType.getFields().predicate!.type) as GraphQLInputObjectType;
  const aggregateValue = { name: '__aggregate', fieldName: fn, scalar: predicateType.name.replace(/_comparison_exp$/, '') };
  return {
    kind: 'aggregate_predicate',
    hop: planHop(spec.relationship, spec.access),
    fn: fn as 'count' | 'bool_and' | 'bool_or',
    columns,
    distinct: distinctTree?.kind === 'scalar' && distinctTree.value === true,
    filter: and([filterTree ? planBoolExp(filterTree, filterType, `${fnPath}.filter`) : null, permissionFilter(spec.access)]),
    predicate: planComparison(predicateTree, {
      ...aggregateValue,
      info: undefined as never,
      isArray: false,
      description: null,
      scalarPgType:
        fn === 'count'
          ? { oid: 20, schema: 'pg_catalog', name: 'int8', kind: 'base', category: 'N', displayName: 'bigint' }
          : { oid: 16, schema: 'pg_catalog', name: 'bool', kind: 'base', category: 'B', displayName: 'boolean' },
    }, `${fnPath}.predicate`),
  };
}
