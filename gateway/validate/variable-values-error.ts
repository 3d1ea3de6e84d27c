import type { GraphQLError } from 'graphql';
import { GatewayError } from '../errors/index.js';

const nullForNonNull = /^Variable "\$.+?" of non-null type "(.+?)" must not be null\.$/;

/**
 * A variable value that does not fit its declared type (graphql-js's `getVariableValues`
 * error), as Hasura reports it: `null` for a non-null type in Hasura's words at `$`, anything
 * else with graphql-js's message at `$.variableValues`. `status` is the endpoint's for client
 * errors (`/v1/graphql` answers 200).
 */
export function variableValuesError(error: GraphQLError, status?: number): GatewayError {
  const isNull = nullForNonNull.exec(error.message);
  if (isNull) return new GatewayError('validation-failed', `null value found for non-nullable type: "${isNull[1]}"`, { path: '$', ...(status ? { status } : {}) });
  return new GatewayError('validation-failed', error.message, { path: '$.variableValues', ...(status ? { status } : {}) });
}
