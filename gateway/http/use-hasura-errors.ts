import { GraphQLError, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { ErrorCode } from '../errors/index.js';

const yogaCodes: Record<string, ErrorCode> = {
  GRAPHQL_PARSE_FAILED: 'validation-failed',
  GRAPHQL_VALIDATION_FAILED: 'validation-failed',
  OPERATION_RESOLUTION_FAILURE: 'validation-failed',
  BAD_USER_INPUT: 'validation-failed',
  BAD_REQUEST: 'bad-request',
};

interface ErrorLike {
  readonly message: string;
  readonly extensions?: Record<string, unknown>;
}

function hasuraError(error: ErrorLike): { message: string; extensions: { path: string; code: string; hint?: string } } {
  const extensions = error.extensions ?? {};
  const code = typeof extensions.code === 'string' ? (yogaCodes[extensions.code] ?? extensions.code) : 'unexpected';
  const path = typeof extensions.path === 'string' ? extensions.path : '$';
  return { message: error.message, extensions: { path, code, ...(typeof extensions.hint === 'string' ? { hint: extensions.hint } : {}) } };
}

type WithStringify = ExecutionResult & { stringify?: (result: unknown) => string };

function normalize(result: WithStringify): WithStringify {
  if (result.stringify || !result.errors?.length) return result;
  const errors = result.errors.map(hasuraError);
  const body = JSON.stringify({ errors });
  // The status is set on the result; the errors are rebuilt without their own (yoga takes the highest).
  return { errors: errors.map((e) => new GraphQLError(e.message, { extensions: e.extensions })), extensions: { http: { status: 200 } }, stringify: () => body };
}

/**
 * Errors that yoga raises on its own (operation resolution, GET without a query, …) are
 * rewritten into Hasura's shape `{"errors":[{"message","extensions":{"path","code"}}]}` with
 * HTTP 200, like every other `/v1/graphql` error. Results Sluice built itself pass unchanged.
 */
export function useHasuraErrors(): Plugin {
  return {
    onResultProcess({ result, setResult }) {
      if (Array.isArray(result)) setResult(result.map((r) => normalize(r as WithStringify)));
      else if (result && typeof result === 'object' && !(Symbol.asyncIterator in result)) setResult(normalize(result as WithStringify));
    },
  };
}
