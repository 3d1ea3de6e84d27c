import type { Logger } from 'pino';
import { errorHeaders, isGatewayError, toRestErrorBody } from '../errors/index.js';
import { explainGraphQL, parseExplainRequest, type ExplainDependencies } from '../explain/index.js';
import type { ApiResponse } from '../metadata/index.js';

/** `POST /v1/graphql/explain` for an admin caller whose JSON body is parsed: an `ApiResponse`. */
export type ExplainHandler = (body: unknown, callerRole: string) => Promise<ApiResponse>;

/**
 * Hasura's explain endpoint (§13): an array of `{field, sql, plan}`, or an error as
 * `{path, error, code}` with a 4xx status (503 with `Retry-After` when the pool is saturated).
 */
export function createExplainHandler(deps: ExplainDependencies, logger: Logger): ExplainHandler {
  return async (body, callerRole) => {
    try {
      return { status: 200, body: await explainGraphQL(parseExplainRequest(body), callerRole, deps) };
    } catch (error) {
      if (isGatewayError(error)) {
        if (error.status >= 500 && error.status !== 503) logger.error({ err: error }, 'explain failed');
        return { status: error.status < 400 ? 400 : error.status, body: toRestErrorBody(error, true), headers: errorHeaders(error) };
      }
      logger.error({ err: error }, 'unexpected error in explain');
      return { status: 500, body: { path: '$', error: 'unexpected error', code: 'unexpected' } };
    }
  };
}
