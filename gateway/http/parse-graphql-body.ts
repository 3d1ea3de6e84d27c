import type { GraphQLParams } from 'graphql-yoga';
import { GatewayError } from '../errors/index.js';
import { errorsBody } from './graphql-response.js';

function jsonResponse(body: string, status: number): Response {
  return new Response(body, { status, headers: { 'content-type': 'application/json; charset=utf-8' } });
}

/** The answer to a body over the limit (413, Hasura's error shape). */
export function tooLargeBody(maxBodyBytes: number): string {
  return errorsBody([new GatewayError('bad-request', `request body is larger than ${maxBodyBytes} bytes`, { status: 413 })], false);
}

function checkParams(value: unknown, path: string): GraphQLParams {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new GatewayError('parse-failed', 'expected an object for a GraphQL request', { path, status: 200 });
  }
  const params = value as Record<string, unknown>;
  if (typeof params.query !== 'string') {
    throw new GatewayError('parse-failed', params.query === undefined ? 'key "query" not found' : 'expected a string for "query"', { path: `${path}.query`, status: 200 });
  }
  if (params.variables !== undefined && params.variables !== null && (typeof params.variables !== 'object' || Array.isArray(params.variables))) {
    throw new GatewayError('parse-failed', 'expected an object for "variables"', { path: `${path}.variables`, status: 200 });
  }
  if (params.operationName !== undefined && params.operationName !== null && typeof params.operationName !== 'string') {
    throw new GatewayError('parse-failed', 'expected a string for "operationName"', { path: `${path}.operationName`, status: 200 });
  }
  const extensions = params.extensions as Record<string, unknown> | null | undefined;
  if (extensions && typeof extensions === 'object' && extensions.persistedQuery !== undefined) {
    throw new GatewayError('not-supported', 'Automatic Persisted Queries is not enabled', { path: '$', status: 200 });
  }
  return params as GraphQLParams;
}

/**
 * Reads a POST body of `/v1/graphql` the way Hasura does: one request object or a batch (a
 * JSON array). Client mistakes answer in Hasura's error shape with status 200 (413 when the
 * body is over the limit) instead of yoga's own messages.
 */
export async function parseGraphQLBody(request: Request, maxBodyBytes: number): Promise<GraphQLParams | GraphQLParams[] | Response> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > maxBodyBytes) {
    return jsonResponse(tooLargeBody(maxBodyBytes), 413);
  }
  const text = await request.text();
  if (Buffer.byteLength(text) > maxBodyBytes) {
    return jsonResponse(tooLargeBody(maxBodyBytes), 413);
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : 'invalid JSON';
    return jsonResponse(errorsBody([new GatewayError('invalid-json', `Error in $: ${reason}`, { status: 200 })], false), 200);
  }
  try {
    if (Array.isArray(body)) {
      if (body.length === 0) throw new GatewayError('parse-failed', 'a batch must contain at least one request', { status: 200 });
      return body.map((item, i) => checkParams(item, `$[${i}]`));
    }
    return checkParams(body, '$');
  } catch (error) {
    if (error instanceof GatewayError) return jsonResponse(errorsBody([error], false), 200);
    throw error;
  }
}
