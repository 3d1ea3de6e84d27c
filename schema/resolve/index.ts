export { resolveSchema, type ResolveOptions } from './resolve-schema.js';
export { qualifiedTableName } from './resolve-relationship.js';
export { computedResultColumn } from './computed-result-column.js';
export type {
  ColumnPair,
  Inconsistency,
  ResolvedColumn,
  ResolvedComputedField,
  ResolvedFunction,
  ResolvedRelationship,
  ResolvedRootFields,
  ResolvedSchema,
  ResolvedTable,
  RootFieldName,
} from './resolved-schema.js';
