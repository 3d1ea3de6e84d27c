import { GraphQLInputObjectType, Kind, getNamedType, type FieldNode, type GraphQLField } from 'graphql';
import type { SelectAccess } from '../../schema/build/index.js';
import type { OrderBy, Param, RowSource } from './ir.js';
import type { PlanContext } from './plan-context.js';
import type { Arguments } from './plan-arguments.js';
import { and, planBoolExp } from './plan-bool-exp.js';
import { planOrderBy } from './plan-order-by.js';
import { permissionFilter } from './plan-hop.js';
import { validationError } from './validation-error.js';

const intType = { schema: 'pg_catalog', name: 'int4' };

function argType(field: GraphQLField<unknown, unknown>, name: string): GraphQLInputObjectType {
  return getNamedType(field.args.find((a) => a.name === name)!.type) as GraphQLInputObjectType;
}

/**
 * `limit` and `offset` must be non-negative 32-bit integers (Hasura: `expected a non-negative
 * 32-bit integer for type 'Int', but found …`); `offset` also takes a numeric string, `null`
 * means none. Values from variables are checked when bound.
 */
function planLimit(args: Arguments, name: 'limit' | 'offset', path: string): Param | null {
  const node = args.nodes.get(name);
  if (!node) return null;
  const argPath = `${path}.args.${name}`;
  const fail = (found: string) => validationError(argPath, `expected a non-negative 32-bit integer for type 'Int', but found ${found}`);
  const value = node.value;
  if (value.kind === Kind.NULL) return null;
  if (value.kind === Kind.VARIABLE) {
    const tree = args.get(name);
    if (!tree || tree.kind === 'null') return null;
    return { kind: 'param', source: tree.kind === 'scalar' ? tree.source : { kind: 'constant', value: null }, pgType: intType, array: false, encoding: 'nonNegativeInt', path: argPath };
  }
  let n: number;
  if (value.kind === Kind.INT) n = Number(value.value);
  else if (value.kind === Kind.STRING && name === 'offset' && /^\d+$/.test(value.value)) n = Number(value.value);
  else throw fail(value.kind === Kind.STRING ? 'a string' : value.kind === Kind.FLOAT ? 'a float' : 'a value of another type');
  if (n < 0 || n > 2147483647) throw fail('an integer');
  return { kind: 'param', source: { kind: 'constant', value: n }, pgType: intType, array: false, encoding: 'plain', path: argPath };
}

/** `where`, `order_by`, `distinct_on`, `limit`, `offset` and the role's filter and limit → rows. */
export function planRows(
  node: FieldNode,
  field: GraphQLField<unknown, unknown>,
  args: Arguments,
  access: SelectAccess,
  path: string,
  context: PlanContext,
): RowSource {
  void node;
  void context;
  const whereTree = args.get('where');
  const where = and([
    whereTree ? planBoolExp(whereTree, argType(field, 'where'), `${path}.args.where`) : null,
    permissionFilter(access),
  ]);
  const orderTree = args.get('order_by');
  const orderBy: OrderBy[] = orderTree ? planOrderBy(orderTree, argType(field, 'order_by'), `${path}.args.order_by`) : [];
  const distinctTree = args.get('distinct_on');
  let distinctOn: string[] | null = null;
  if (distinctTree && distinctTree.kind !== 'null') {
    const items = distinctTree.kind === 'list' ? distinctTree.items : [distinctTree];
    distinctOn = items.map((item) => String(item.kind === 'enum' ? item.value : ''));
    const leading = orderBy.slice(0, distinctOn.length).map((o) => (o.key.kind === 'column' ? o.key.column : null));
    const matches = orderBy.length === 0 || (leading.length === distinctOn.length && distinctOn.every((c) => leading.includes(c)));
    if (!matches) throw validationError(`${path}.args`, '"distinct_on" columns must match initial "order_by" columns');
  }
  return {
    table: { schema: access.table.info.schema, name: access.table.info.name },
    where: where.kind === 'true' ? null : where,
    orderBy,
    distinctOn,
    limit: planLimit(args, 'limit', path),
    permissionLimit: access.limit,
    offset: planLimit(args, 'offset', path),
    columns: access.table.info.columns.map((column) => column.name),
  };
}
