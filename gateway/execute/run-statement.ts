import { mapPostgresError } from '../errors/index.js';
import type { Admission } from '../admission/index.js';

/**
 * Runs one compiled statement as a named prepared statement (Postgres plans it once per
 * connection) and returns its single row as raw column texts. `rowMode: 'array'` keeps pg from
 * building objects; the JSON columns are `text`, which pg does not parse. The connection comes
 * through admission: a saturated pool answers a 503 after a bounded wait.
 */
export async function runStatement(admission: Admission, role: string, name: string, text: string, values: unknown[], path: string): Promise<(string | null)[]> {
  const client = await admission.connect(role);
  try {
    const result = await client.query<string[]>({ name, text, values, rowMode: 'array' });
    return (result.rows[0] ?? []) as (string | null)[];
  } catch (error) {
    throw mapPostgresError(error, path);
  } finally {
    admission.release(role, client);
  }
}
