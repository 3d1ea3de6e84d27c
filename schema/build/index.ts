export { adminAccess, buildGraphQLSchema, emptyAccess } from './build-graphql-schema.js';
export { roleAccess, type RoleAccessOptions } from './role-access.js';
export {
  inputSpec,
  outputSpec,
  numericAggregateOps,
  comparableAggregateOps,
  type AggregateOp,
  type InputFieldSpec,
  type OutputFieldSpec,
  type SelectAccess,
  type InsertAccess,
  type UpdateAccess,
  type DeleteAccess,
  type MutationTarget,
  type RoleAccess,
} from './field-spec.js';
