import { GraphQLInt, GraphQLList, GraphQLNonNull, type GraphQLFieldConfigArgumentMap } from 'graphql';
import type { SelectAccess } from './field-spec.js';
import type { BuildContext } from './build-context.js';
import { buildBoolExp } from './build-bool-exp.js';
import { buildOrderBy, canOrderBy } from './build-order-by.js';
import { buildSelectColumnEnum } from './build-select-column-enum.js';

/** `distinct_on, limit, offset, order_by, where`, shared by list, aggregate and array-relationship fields. */
export function buildSelectArgs(context: BuildContext, access: SelectAccess): GraphQLFieldConfigArgumentMap {
  const args: GraphQLFieldConfigArgumentMap = {};
  const selectColumn = buildSelectColumnEnum(context, access);
  if (selectColumn) args.distinct_on = { type: new GraphQLList(new GraphQLNonNull(selectColumn)), description: 'distinct select on columns' };
  args.limit = { type: GraphQLInt, description: 'limit the number of rows returned' };
  args.offset = { type: GraphQLInt, description: 'skip the first n rows. Use only with order_by' };
  if (canOrderBy(context, access)) {
    args.order_by = { type: new GraphQLList(new GraphQLNonNull(buildOrderBy(context, access))), description: 'sort the rows by one or more columns' };
  }
  args.where = { type: buildBoolExp(context, access), description: 'filter the rows returned' };
  return args;
}
