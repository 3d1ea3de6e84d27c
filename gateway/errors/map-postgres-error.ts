import { GatewayError } from './gateway-error.js';

interface PostgresErrorLike {
  readonly code?: string;
  readonly message: string;
  readonly detail?: string;
  readonly hint?: string;
}

function isPostgresError(error: unknown): error is PostgresErrorLike {
  return typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string' && 'severity' in error;
}

/**
 * A Postgres error on a user operation → Hasura's code and message prefix
 * (`mkTxErrorHandler`). The raw Postgres error goes in `internal`, shown to admins only.
 */
export function mapPostgresError(error: unknown, path: string): GatewayError {
  if (!isPostgresError(error)) {
    return new GatewayError('unexpected', 'database query error', { path, status: 500, internal: { error: String(error) }, cause: error });
  }
  const code = error.code ?? '';
  const internal = { error: { message: error.message, status_code: code, description: error.detail ?? null, hint: error.hint ?? null } };
  const make = (c: ConstructorParameters<typeof GatewayError>[0], message: string, status = 400) =>
    new GatewayError(c, message, { path, status, internal, cause: error });
  switch (code) {
    case '23502':
      return make('constraint-violation', `Not-NULL violation. ${error.message}`);
    case '23503':
      return make('constraint-violation', `Foreign key violation. ${error.message}`);
    case '23505':
      return make('constraint-violation', `Uniqueness violation. ${error.message}`);
    case '23514':
      return make('permission-error', `Check constraint violation. ${error.message}`);
    case '23001':
      return make('constraint-violation', `Can not delete or update due to data being referred. ${error.message}`);
    case '23P01':
      return make('constraint-violation', `Exclusion violation. ${error.message}`);
    case '42P10':
      return make('constraint-error', 'there is no unique or exclusion constraint on target column(s)');
    case '40001':
      return make('concurrent-update', 'serialization failure due to concurrent update');
    case '22025':
      return make('bad-request', error.message);
    case '57014':
      return make('timeout', 'the query took too long and was cancelled (statement timeout)', 503);
    case '53300':
      return make('postgres-max-connections-error', 'the database has no free connections', 503);
  }
  if (code.startsWith('22')) return make('data-exception', error.message);
  return make('unexpected', 'database query error', 500);
}
