import type pg from 'pg';
import { GatewayError, mapPostgresError } from '../errors/index.js';

/**
 * Runs one compiled statement as a named prepared statement (Postgres plans it once per
 * connection) and returns its single row as raw column texts. `rowMode: 'array'` keeps pg from
 * building objects; the JSON columns are `text`, which pg does not parse.
 */
export async function runStatement(pool: pg.Pool, name: string, text: string, values: unknown[], path: string): Promise<(string | null)[]> {
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    throw new GatewayError('postgres-max-connections-error', 'no database connection became free in time; try again later', {
      path: '$',
      status: 503,
      internal: { error: error instanceof Error ? error.message : String(error) },
      cause: error,
    });
  }
  try {
    const result = await client.query<string[]>({ name, text, values, rowMode: 'array' });
    return (result.rows[0] ?? []) as (string | null)[];
  } catch (error) {
    throw mapPostgresError(error, path);
  } finally {
    client.release();
  }
}
