import { GraphQLError, Kind, getOperationAST, getVariableValues, parse, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { Admission } from '../admission/index.js';
import { GatewayError } from '../errors/index.js';
import { planContextOf } from '../execute/execute-query.js';
import { planQuery } from '../plan/index.js';
import { readBackendOnlyHeader } from '../session/index.js';
import { explainQuery, type ExplainedField } from './explain-query.js';
import type { ExplainRequest } from './parse-explain-request.js';
import { variableValuesError } from '../validate/index.js';

export interface ExplainDependencies {
  /** The role's schema, as a request of that role gets it. */
  readonly schemaFor: (role: string, backendOnly: boolean) => GraphQLSchema;
  /** The gateway's validator (the same rules and error paths as `/v1/graphql`). */
  readonly validateDocument: (schema: GraphQLSchema, document: DocumentNode) => readonly GatewayError[];
  readonly admission: Admission;
  readonly stringifyNumeric: boolean;
}

function validationFailed(message: string, path: string): GatewayError {
  return new GatewayError('validation-failed', message, { path });
}

/**
 * Explains a GraphQL query as the role in `user` would run it: validated against that role's
 * schema, planned with its permissions (row filters, column sets, limits), and bound with its
 * session variables. Hasura explains only queries; mutations are refused (never run, not even
 * rolled back), subscriptions too (their multiplexed SQL is not built yet).
 */
export async function explainGraphQL(request: ExplainRequest, callerRole: string, deps: ExplainDependencies): Promise<ExplainedField[]> {
  const role = request.user['x-hasura-role'] ?? 'admin';
  const session = { ...request.user, 'x-hasura-role': role };
  const backendOnly = readBackendOnlyHeader(request.user['x-hasura-use-backend-only-permissions']);
  const schema = deps.schemaFor(role, backendOnly);
  let document: DocumentNode;
  try {
    document = parse(request.query, { maxTokens: 50_000 });
  } catch (error) {
    throw validationFailed(error instanceof GraphQLError ? error.message : 'not a valid graphql query', '$.query');
  }
  const invalid = deps.validateDocument(schema, document)[0];
  if (invalid) throw new GatewayError(invalid.code, invalid.message, { path: invalid.path });
  const operation = getOperationAST(document, request.operationName);
  if (!operation) {
    const several = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION).length > 1;
    throw validationFailed(several ? 'operationName is required if a query contains multiple operations' : 'no operation found', '$');
  }
  if (operation.operation === 'mutation') throw new GatewayError('invalid-params', 'only queries can be explained', { path: '$' });
  if (operation.operation === 'subscription') throw new GatewayError('not-supported', 'subscriptions cannot be explained yet', { path: '$' });
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], request.variables as Record<string, unknown>, { maxErrors: 1 });
  if (coerced.errors) throw variableValuesError(coerced.errors[0]!);
  const queryRequest = { schema, document, operation, variables: coerced.coerced, session, role };
  const plan = planQuery(operation, planContextOf(queryRequest, deps.stringifyNumeric));
  return explainQuery(plan, { admission: deps.admission, callerRole, variables: coerced.coerced, session, analyze: request.analyze });
}
