import { computedResultColumn, type ResolvedColumn, type ResolvedComputedField } from '../../schema/resolve/index.js';
import { withOperand } from './with-operand.js';
import { planFunctionCall } from './plan-function-call.js';
import type { BoolExp, ColumnOperand, CompareOp } from './ir.js';
import type { InputTree } from './input-tree.js';
import { columnArrayParam, columnParam, typedParam } from './make-param.js';
import { validationError } from './validation-error.js';

const text = { schema: 'pg_catalog', name: 'text' };
const ltreeArrayOps = new Set(['_ancestor_any', '_descendant_any']);

/**
 * One `<Scalar>_comparison_exp` object → the AND of its operators. A `null` operand is an error
 * (Hasura's default, `V1_BOOLEAN_NULL_COLLAPSE=false`); `_is_null` is how to test for NULL.
 */
export function planComparison(tree: InputTree, column: ResolvedColumn, path: string, castToText = false): BoolExp {
  if (tree.kind !== 'object') return { kind: 'true' };
  const operand: ColumnOperand = castToText ? { column: column.name, castToText } : { column: column.name };
  const items: BoolExp[] = [];
  for (const [op, value] of tree.fields) {
    const opPath = `${path}.${op}`;
    if (value.kind === 'null') {
      throw validationError(opPath, `unexpected null value for type '${castToText ? 'String' : column.scalar}'`);
    }
    if (op === '_is_null') {
      items.push({ kind: 'is_null', operand, isNull: value.kind === 'scalar' && value.value === true });
      continue;
    }
    if (op === '_st_d_within') {
      const distance = value.kind === 'object' ? value.fields.find(([n]) => n === 'distance')?.[1] : undefined;
      const from = value.kind === 'object' ? value.fields.find(([n]) => n === 'from')?.[1] : undefined;
      if (!distance || !from) throw validationError(opPath, 'expected "distance" and "from"');
      items.push({
        kind: 'st_d_within',
        operand,
        distance: typedParam(distance, { schema: 'pg_catalog', name: 'float8' }, false, `${opPath}.distance`),
        from: columnParam(from, column, `${opPath}.from`),
        postgis: column.scalarPgType.schema,
      });
      continue;
    }
    if (op === '_cast') {
      const cast = value.kind === 'object' ? value.fields.find(([name]) => name === 'String')?.[1] : undefined;
      if (cast) items.push(planComparison(cast, { ...column, scalar: 'String' }, `${opPath}.String`, true));
      continue;
    }
    items.push({ kind: 'compare', operand, op: op as CompareOp, value: operatorParam(op, value, column, opPath, castToText) });
  }
  return items.length === 1 ? items[0]! : { kind: 'and', items };
}

function operatorParam(op: string, value: InputTree, column: ResolvedColumn, path: string, castToText: boolean) {
  if (castToText) return op === '_in' || op === '_nin' ? typedParam(value, text, true, path) : typedParam(value, text, false, path);
  switch (op) {
    case '_in':
    case '_nin':
      if (column.isArray) throw validationError(path, `"${op}" is not supported on array columns`);
      return columnArrayParam(value, column, path);
    case '_has_key':
      return typedParam(value, text, false, path);
    case '_has_keys_any':
    case '_has_keys_all':
      return typedParam(value, text, true, path);
    case '_matches':
      return typedParam(value, { schema: column.scalarPgType.schema, name: 'lquery' }, false, path);
    case '_matches_any':
      return typedParam(value, { schema: column.scalarPgType.schema, name: 'lquery' }, true, path);
    case '_matches_fulltext':
      return typedParam(value, { schema: column.scalarPgType.schema, name: 'ltxtquery' }, false, path);
    default:
      if (column.isArray || ltreeArrayOps.has(op)) return columnArrayParam(value, column, path);
      return columnParam(value, column, path);
  }
}

/** A comparison on a scalar computed field: the same operators, on the function's result. */
export function planComputedComparison(tree: InputTree, field: ResolvedComputedField, path: string): BoolExp {
  return withOperand(planComparison(tree, computedResultColumn(field), path), { call: planFunctionCall(field, undefined, path) });
}
