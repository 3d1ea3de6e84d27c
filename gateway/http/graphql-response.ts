import { GatewayError } from '../errors/index.js';

/** One error in Hasura's GraphQL shape; `internal` only for admins. */
export function graphqlErrorJson(error: GatewayError, isAdmin: boolean): Record<string, unknown> {
  const extensions: Record<string, unknown> = { path: error.path, code: error.code };
  if (isAdmin && error.internal !== undefined) extensions.internal = error.internal;
  if (error.hint !== undefined) extensions.hint = error.hint;
  return { message: error.message, extensions };
}

/** Anything thrown that is not a GatewayError is a bug: masked, never a stack trace. */
export function asGatewayError(error: unknown): GatewayError {
  if (error instanceof GatewayError) return error;
  return new GatewayError('unexpected', 'unexpected error', { status: 500, cause: error });
}

/** `{"errors":[…]}` as Hasura writes it. */
export function errorsBody(errors: readonly GatewayError[], isAdmin: boolean): string {
  return JSON.stringify({ errors: errors.map((e) => graphqlErrorJson(e, isAdmin)) });
}
