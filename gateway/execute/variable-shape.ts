import { GraphQLEnumType, GraphQLInputObjectType, GraphQLList, GraphQLNonNull, GraphQLScalarType, type GraphQLInputType } from 'graphql';

/**
 * The part of a variable's value that changes the plan: object keys and their order, list
 * lengths (except lists of scalars, which bind as one array), enum values, booleans and
 * null-ness. Other scalars are parameters and do not count, so `{_eq: 1}` and `{_eq: 2}` share
 * one compiled plan. The planner may only branch on what this function records.
 */
export function variableShape(value: unknown, type: GraphQLInputType): string {
  if (type instanceof GraphQLNonNull) return variableShape(value, type.ofType);
  if (value === null || value === undefined) return 'n';
  if (type instanceof GraphQLList) {
    const inner = type.ofType instanceof GraphQLNonNull ? type.ofType.ofType : type.ofType;
    if (inner instanceof GraphQLScalarType && inner.name !== 'Boolean') return 'L';
    const items = Array.isArray(value) ? value : [value];
    return `[${items.map((item) => variableShape(item, type.ofType)).join(',')}]`;
  }
  if (type instanceof GraphQLInputObjectType) {
    if (typeof value !== 'object') return 'x';
    const fields = type.getFields();
    const parts = Object.entries(value as Record<string, unknown>).map(([key, v]) => {
      const field = fields[key];
      return `${JSON.stringify(key)}:${field ? variableShape(v, field.type) : 'x'}`;
    });
    return `{${parts.join(',')}}`;
  }
  if (type instanceof GraphQLEnumType) return `e${JSON.stringify(value)}`;
  if (type.name === 'Boolean') return value === true ? 't' : 'f';
  return 's';
}
