/**
 * Runs one data-changing statement of the legacy JSON DML in its own READ WRITE transaction (the
 * pool is read-only by default), turning Postgres errors into Hasura's codes by SQLSTATE.
 */
import type pg from 'pg';
import { GatewayError, type ErrorCode } from '../errors/index.js';

const bySqlState: Record<string, [ErrorCode, string]> = {
  '23502': ['constraint-violation', 'Not-NULL violation. '],
  '23503': ['constraint-violation', 'Foreign key violation. '],
  '23505': ['constraint-violation', 'Uniqueness violation. '],
  '23514': ['permission-error', 'Check constraint violation. '],
  '23001': ['constraint-violation', 'Can not delete or update due to data being referred. '],
  '23P01': ['constraint-violation', 'Exclusion violation. '],
  '42P10': ['constraint-error', ''],
  '40001': ['concurrent-update', ''],
};

export function toDmlError(error: unknown, path: string): unknown {
  const code = (error as { code?: unknown }).code;
  if (!(error instanceof Error) || typeof code !== 'string' || code.length !== 5) return error;
  const internal = { error: { message: error.message, status_code: code, description: (error as { detail?: string }).detail ?? null } };
  const mapped = bySqlState[code];
  if (mapped) return new GatewayError(mapped[0], `${mapped[1]}${error.message}`, { path, internal, cause: error });
  if (code.startsWith('22')) return new GatewayError('data-exception', error.message, { path, internal, cause: error });
  return new GatewayError('unexpected', 'database query error', { path, status: 500, internal, cause: error });
}

export async function runWrite<R extends Record<string, unknown>>(pool: pg.Pool, text: string, values: unknown[], path: string): Promise<R[]> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN READ WRITE');
    const { rows } = await client.query<R>(text, values);
    await client.query('COMMIT');
    return rows;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw toDmlError(error, path);
  } finally {
    client.release();
  }
}

/** Reads need no transaction of their own, but their errors map the same way. */
export async function runRead<R extends Record<string, unknown>>(pool: pg.Pool, text: string, values: unknown[], path: string): Promise<R[]> {
  try {
    return (await pool.query<R>(text, values)).rows;
  } catch (error) {
    throw toDmlError(error, path);
  }
}
