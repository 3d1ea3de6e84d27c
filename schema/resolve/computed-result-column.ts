import type { ResolvedColumn, ResolvedComputedField } from './resolved-schema.js';

/**
 * The result of a scalar computed field seen as a column, so that the column machinery
 * (comparison types, operators, parameter types) serves it unchanged. It has no catalog column.
 */
export function computedResultColumn(field: ResolvedComputedField): ResolvedColumn {
  if (field.returns.kind !== 'scalar') throw new Error(`computed field "${field.name}" does not return a scalar`);
  const { pgType, scalar } = field.returns;
  return {
    name: field.name,
    fieldName: field.name,
    scalar,
    scalarPgType: { oid: 0, schema: pgType.schema, name: pgType.name, kind: 'base', category: pgType.category, displayName: pgType.name },
    isArray: false,
    description: null,
    info: undefined as never,
  };
}
