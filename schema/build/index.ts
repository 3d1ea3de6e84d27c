export { adminAccess, buildGraphQLSchema, type RoleAccess } from './build-graphql-schema.js';
export {
  inputSpec,
  outputSpec,
  numericAggregateOps,
  comparableAggregateOps,
  type AggregateOp,
  type InputFieldSpec,
  type OutputFieldSpec,
  type SelectAccess,
} from './field-spec.js';
