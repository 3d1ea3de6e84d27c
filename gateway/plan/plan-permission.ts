import { tableKey, type QualifiedName } from '../../schema/model/database-model.js';
import { computedResultColumn, type ResolvedColumn, type ResolvedComputedField, type ResolvedSchema, type ResolvedTable } from '../../schema/resolve/index.js';
import { withOperand } from './with-operand.js';
import { planFunctionCall } from './plan-function-call.js';
import { qualifiedTableName } from '../../schema/resolve/index.js';
import type { BoolExp, CompareOp, Param, ParamSource } from './ir.js';
import { GatewayError } from '../errors/index.js';

type Json = unknown;

const compareOps = new Set<string>([
  '_eq', '_neq', '_gt', '_lt', '_gte', '_lte', '_in', '_nin',
  '_like', '_nlike', '_ilike', '_nilike', '_similar', '_nsimilar', '_regex', '_nregex', '_iregex', '_niregex',
  '_contains', '_contained_in', '_has_key', '_has_keys_any', '_has_keys_all',
  '_ancestor', '_ancestor_any', '_descendant', '_descendant_any', '_matches', '_matches_any', '_matches_fulltext',
  '_st_contains', '_st_crosses', '_st_equals', '_st_intersects', '_st_overlaps', '_st_touches', '_st_within',
]);
const columnCompareOps: Record<string, CompareOp> = { _ceq: '_eq', _cne: '_neq', _cneq: '_neq', _cgt: '_gt', _clt: '_lt', _cgte: '_gte', _clte: '_lte' };
const arrayOps = new Set(['_in', '_nin', '_has_keys_any', '_has_keys_all', '_ancestor_any', '_descendant_any', '_matches_any']);
const textOps = new Set(['_has_key', '_has_keys_any', '_has_keys_all']);

/** Permission rules write operators as `_eq` or `$eq`. */
function operatorName(key: string): string {
  return key.startsWith('$') ? `_${key.slice(1)}` : key;
}

/** A string starting with `x-hasura-` (any case) is a session variable, as in Hasura. */
export function sessionVariableName(value: Json): string | null {
  return typeof value === 'string' && /^x-hasura-/i.test(value) ? value.toLowerCase() : null;
}

function isObject(value: Json): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function valueParam(value: Json, column: ResolvedColumn, op: string): Param {
  const session = sessionVariableName(value);
  const source: ParamSource = session ? { kind: 'session', name: session } : { kind: 'constant', value };
  const type = textOps.has(op) ? { schema: 'pg_catalog', name: 'text' } : { schema: column.scalarPgType.schema, name: column.scalarPgType.name };
  const isJson = !textOps.has(op) && (column.scalarPgType.name === 'jsonb' || column.scalarPgType.name === 'json');
  const isShape = column.scalarPgType.name === 'geometry' || column.scalarPgType.name === 'geography';
  const array = arrayOps.has(op) || column.isArray;
  // An array session variable is a Postgres array literal ('{1,2}'): it is cast as text, not re-encoded.
  return { kind: 'param', source, pgType: type, array, encoding: isShape ? 'geojson' : isJson && !session ? 'json' : 'plain', path: '$' };
}

/**
 * Compiles a permission rule (metadata JSON: `{"author_id": {"_eq": "X-Hasura-User-Id"}}`)
 * into the same BoolExp the planner builds from `where`. Session variables become parameters
 * cast to the column's type; relationships and `_exists` follow the database directly (a
 * rule is not itself subject to other tables' permissions, as in Hasura).
 */
export function planPermission(rule: Json, table: ResolvedTable, resolved: ResolvedSchema, root: ResolvedTable = table): BoolExp {
  if (!isObject(rule)) return { kind: 'true' };
  const items: BoolExp[] = [];
  for (const [rawKey, value] of Object.entries(rule)) {
    const key = operatorName(rawKey);
    if (key === '_and' || key === '_or') {
      const parts = (Array.isArray(value) ? value : [value]).map((v) => planPermission(v, table, resolved, root));
      items.push(key === '_and' ? { kind: 'and', items: parts } : { kind: 'or', items: parts });
    } else if (key === '_not') {
      items.push({ kind: 'not', item: planPermission(value, table, resolved, root) });
    } else if (key === '_exists') {
      const spec = isObject(value) ? value : {};
      const name = qualifiedTableName(spec._table as QualifiedName | string);
      const target = resolved.tablesByKey.get(tableKey(name));
      if (!target) throw inconsistent(`table ${JSON.stringify(name.name)} in "_exists" is not tracked`);
      items.push({ kind: 'exists', hop: { table: name, mapping: [], filter: null }, where: planPermission(spec._where, target, resolved, root) });
    } else {
      const column = table.columns.find((c) => c.name === rawKey);
      const relationship = table.relationships.find((r) => r.name === rawKey);
      const computed = table.computedFields.find((f) => f.name === rawKey);
      if (column) items.push(planColumnRule(value, column, table, root));
      else if (computed) items.push(planComputedRule(value, computed, table, resolved, root));
      else if (relationship) {
        const target = resolved.tablesByKey.get(relationship.target)!;
        const info = target.info;
        items.push({ kind: 'exists', hop: { table: { schema: info.schema, name: info.name }, mapping: relationship.mapping, filter: null }, where: planPermission(value, target, resolved, root) });
      } else {
        throw inconsistent(`"${rawKey}" is neither a column nor a relationship of ${JSON.stringify(table.info.name)}`);
      }
    }
  }
  if (items.length === 0) return { kind: 'true' };
  return items.length === 1 ? items[0]! : { kind: 'and', items };
}

function planColumnRule(value: Json, column: ResolvedColumn, table: ResolvedTable, root: ResolvedTable): BoolExp {
  // `{"col": "X-Hasura-User-Id"}` and `{"col": 1}` are shorthand for `_eq`.
  if (!isObject(value)) return planColumnRule({ _eq: value }, column, table, root);
  const items: BoolExp[] = [];
  for (const [rawOp, operand] of Object.entries(value)) {
    const op = operatorName(rawOp);
    if (op === '_st_d_within' && isObject(operand)) {
      const shape = valueParam(operand.from, column, '_eq');
      const distanceSession = sessionVariableName(operand.distance);
      items.push({
        kind: 'st_d_within',
        operand: { column: column.name },
        from: shape,
        distance: {
          kind: 'param',
          source: distanceSession ? { kind: 'session', name: distanceSession } : { kind: 'constant', value: operand.distance },
          pgType: { schema: 'pg_catalog', name: 'float8' },
          array: false,
          encoding: 'plain',
          path: '$',
        },
        postgis: column.scalarPgType.schema,
      });
      continue;
    }
    if (op === '_is_null') {
      items.push({ kind: 'is_null', operand: { column: column.name }, isNull: operand === true });
    } else if (op in columnCompareOps) {
      // Column comparison: a column of the same row, or `["$", col]`, one of the row the whole
      // rule is about (when the comparison sits inside a relationship).
      const fromRoot = Array.isArray(operand) && operand[0] === '$';
      const other = Array.isArray(operand) ? String(operand[operand.length - 1]) : String(operand);
      const owner = fromRoot ? root : table;
      const otherColumn = owner.columns.find((c) => c.name === other);
      if (!otherColumn) throw inconsistent(`column "${other}" of ${JSON.stringify(owner.info.name)} does not exist`);
      items.push({ kind: 'column_compare', left: column.name, op: columnCompareOps[op]!, right: otherColumn.name, rightFromRoot: fromRoot });
    } else if (compareOps.has(op)) {
      items.push({ kind: 'compare', operand: { column: column.name }, op: op as CompareOp, value: valueParam(operand, column, op) });
    } else {
      throw inconsistent(`operator "${rawOp}" is not supported on column "${column.name}"`);
    }
  }
  if (items.length === 0) return { kind: 'true' };
  return items.length === 1 ? items[0]! : { kind: 'and', items };
}

/** A rule that does not fit the database; the role then sees nothing rather than too much. */
function inconsistent(message: string): GatewayError {
  return new GatewayError('unexpected', `inconsistent permission: ${message}`, { status: 500 });
}

/**
 * A computed field in a rule: a scalar one is compared like a column (on the function's
 * result), a set-returning one means "some row it returns matches" (Hasura's semantics).
 */
function planComputedRule(value: Json, field: ResolvedComputedField, table: ResolvedTable, resolved: ResolvedSchema, root: ResolvedTable): BoolExp {
  const call = planFunctionCall(field, undefined, '$');
  if (field.returns.kind === 'table') {
    const target = resolved.tablesByKey.get(field.returns.target);
    if (!target) throw inconsistent(`the table returned by "${field.name}" is not tracked`);
    return { kind: 'exists_call', call, where: planPermission(value, target, resolved, root) };
  }
  return withOperand(planColumnRule(value, computedResultColumn(field), table, root), { call });
}
