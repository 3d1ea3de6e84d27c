import { GatewayError } from '../errors/index.js';

/** The body of `POST /v1/graphql/explain`: Hasura's `{query, user}`, plus Sluice's `analyze`. */
export interface ExplainRequest {
  readonly query: string;
  readonly variables: Readonly<Record<string, unknown>>;
  readonly operationName: string | undefined;
  /** Session variables of the request to explain, names lower-cased (`x-hasura-role`, `x-hasura-user-id`, …). */
  readonly user: Readonly<Record<string, string>>;
  /** Run the statements (`EXPLAIN ANALYZE`) in a read-only transaction that is rolled back. */
  readonly analyze: boolean;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseFailed(message: string, path: string): GatewayError {
  return new GatewayError('parse-failed', message, { path });
}

/**
 * `{"query": {"query", "variables"?, "operationName"?}, "user"?: {…session variables}, "analyze"?: bool}`.
 * Like request headers, only `x-hasura-*` keys of `user` are session variables; their values
 * must be strings (numbers and booleans are taken as their text).
 */
export function parseExplainRequest(body: unknown): ExplainRequest {
  if (!isObject(body)) throw parseFailed('expected an object', '$');
  const query = body.query;
  if (query === undefined) throw parseFailed('key "query" not found', '$');
  if (!isObject(query)) throw parseFailed('expected an object', '$.query');
  if (typeof query.query !== 'string') throw parseFailed(query.query === undefined ? 'key "query" not found' : 'expected a string', '$.query.query');
  const variables = query.variables ?? {};
  if (!isObject(variables)) throw parseFailed('expected an object', '$.query.variables');
  const operationName = query.operationName ?? undefined;
  if (operationName !== undefined && typeof operationName !== 'string') throw parseFailed('expected a string', '$.query.operationName');
  const user: Record<string, string> = {};
  if (body.user !== undefined && body.user !== null) {
    if (!isObject(body.user)) throw parseFailed('expected an object', '$.user');
    for (const [name, value] of Object.entries(body.user)) {
      const lower = name.toLowerCase();
      if (!lower.startsWith('x-hasura-') || lower === 'x-hasura-admin-secret' || lower === 'x-hasura-access-key') continue;
      if (typeof value === 'string') user[lower] = value;
      else if (typeof value === 'number' || typeof value === 'boolean') user[lower] = String(value);
      else throw parseFailed('expected a string', `$.user.${name}`);
    }
  }
  const analyze = body.analyze ?? false;
  if (typeof analyze !== 'boolean') throw parseFailed('expected a boolean', '$.analyze');
  return { query: query.query, variables, operationName, user, analyze };
}
