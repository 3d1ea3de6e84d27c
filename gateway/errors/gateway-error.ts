/**
 * The one error type the gateway raises on purpose. `code` is Hasura's error code string, `path`
 * a JSON path into the request (`$.selectionSet.author.args.where`), `status` the HTTP status the
 * non-GraphQL endpoints answer with (`/v1/graphql` always answers 200, as Hasura does).
 *
 * `internal` carries details for admins only (a Postgres error, the SQL); it is never shown to
 * other roles.
 */
export type ErrorCode =
  | 'access-denied'
  | 'already-exists'
  | 'already-tracked'
  | 'already-untracked'
  | 'bad-request'
  | 'busy'
  | 'concurrent-update'
  | 'conflict'
  | 'constraint-error'
  | 'constraint-violation'
  | 'data-exception'
  | 'dependency-error'
  | 'invalid-configuration'
  | 'invalid-headers'
  | 'invalid-json'
  | 'invalid-jwt'
  | 'invalid-params'
  | 'jwt-invalid-claims'
  | 'jwt-missing-role-claims'
  | 'method-not-allowed'
  | 'not-exists'
  | 'not-found'
  | 'not-supported'
  | 'parse-failed'
  | 'permission-denied'
  | 'permission-error'
  | 'postgres-error'
  | 'postgres-max-connections-error'
  | 'timeout'
  | 'unexpected'
  | 'validation-failed';

export interface GatewayErrorOptions {
  readonly path?: string;
  readonly status?: number;
  readonly internal?: unknown;
  readonly cause?: unknown;
  /** A human hint (dev mode only): which permission is missing. */
  readonly hint?: string;
  /** Sent as `Retry-After` (seconds): the gateway is overloaded, try again later (503s). */
  readonly retryAfterSeconds?: number;
}

const defaultStatus: Partial<Record<ErrorCode, number>> = {
  'access-denied': 401,
  'invalid-jwt': 401,
  'jwt-invalid-claims': 400,
  'not-found': 404,
  conflict: 409,
  'method-not-allowed': 405,
  unexpected: 500,
  'postgres-error': 500,
  'postgres-max-connections-error': 503,
  timeout: 503,
};

export class GatewayError extends Error {
  readonly code: ErrorCode;
  readonly path: string;
  readonly status: number;
  readonly internal: unknown;
  readonly hint: string | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(code: ErrorCode, message: string, options: GatewayErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GatewayError';
    this.code = code;
    this.path = options.path ?? '$';
    this.status = options.status ?? defaultStatus[code] ?? 400;
    this.internal = options.internal;
    this.hint = options.hint;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  /** The same error pointing at another place in the request. */
  at(path: string): GatewayError {
    return new GatewayError(this.code, this.message, {
      path,
      status: this.status,
      internal: this.internal,
      cause: this.cause,
      ...(this.hint ? { hint: this.hint } : {}),
      ...(this.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: this.retryAfterSeconds }),
    });
  }
}

export function isGatewayError(error: unknown): error is GatewayError {
  return error instanceof GatewayError;
}

/** `Retry-After` for an error that carries one, for the HTTP layer to send. */
export function errorHeaders(error: GatewayError): Record<string, string> | undefined {
  return error.retryAfterSeconds === undefined ? undefined : { 'retry-after': String(error.retryAfterSeconds) };
}

/** The `{path, error, code}` body of Hasura's non-GraphQL endpoints (`/v1/metadata`, `/v1/query`, `/v2/query`). */
export function toRestErrorBody(error: GatewayError, showInternal: boolean): Record<string, unknown> {
  const body: Record<string, unknown> = { path: error.path, error: error.message, code: error.code };
  if (showInternal && error.internal !== undefined) body.internal = error.internal;
  return body;
}
