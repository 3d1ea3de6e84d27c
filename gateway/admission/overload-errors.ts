/**
 * The errors of an overloaded gateway: `503` with `Retry-After`, in Hasura's error shape. Hasura
 * itself answers a pool that has no free connection with `postgres-max-connections-error`.
 */
import { GatewayError } from '../errors/index.js';

/** What `Retry-After` suggests: about as long as a request may wait, at least 1 s, at most 60 s. */
export function retryAfterSeconds(timeoutMs: number): number {
  return Math.min(60, Math.max(1, Math.ceil(timeoutMs / 1000)));
}

export function poolTimeoutError(timeoutMs: number): GatewayError {
  return new GatewayError('postgres-max-connections-error', `no database connection became free within ${timeoutMs} ms; try again later`, {
    status: 503,
    retryAfterSeconds: retryAfterSeconds(timeoutMs),
  });
}

export function queueFullError(timeoutMs: number): GatewayError {
  return new GatewayError('postgres-max-connections-error', 'too many requests are waiting for a database connection; try again later', {
    status: 503,
    retryAfterSeconds: retryAfterSeconds(timeoutMs),
  });
}

export function roleLimitError(role: string, timeoutMs: number): GatewayError {
  return new GatewayError('postgres-max-connections-error', `too many concurrent requests for role "${role}" (no slot became free within ${timeoutMs} ms); try again later`, {
    status: 503,
    retryAfterSeconds: retryAfterSeconds(timeoutMs),
  });
}

/** The database did not accept a new connection (down, restarting, or refusing): details for admins only. */
export function databaseUnavailableError(error: unknown, timeoutMs: number): GatewayError {
  return new GatewayError('postgres-error', 'the database is unavailable; try again later', {
    status: 503,
    retryAfterSeconds: retryAfterSeconds(timeoutMs),
    internal: { error: error instanceof Error ? error.message : String(error) },
    cause: error,
  });
}

/** pg-pool's error when no client became free within `connectionTimeoutMillis`. */
export function isPoolTimeout(error: unknown): boolean {
  return error instanceof Error && error.message === 'timeout exceeded when trying to connect';
}
