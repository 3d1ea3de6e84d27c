import { mapPostgresError } from '../errors/index.js';
import type { Admission } from '../admission/index.js';
import { queryRowBytes } from '../database/index.js';

/**
 * Runs one compiled statement as a named prepared statement (Postgres plans it once per
 * connection) and returns its single row's columns as bytes: the JSON text Postgres built,
 * never decoded into JS strings, to be written to the response as it is. The connection comes
 * through admission: a saturated pool answers a 503 after a bounded wait.
 */
export async function runStatement(admission: Admission, role: string, name: string, text: string, values: unknown[], path: string): Promise<(Buffer | null)[]> {
  const client = await admission.connect(role);
  try {
    return await queryRowBytes(client, name, text, values);
  } catch (error) {
    throw mapPostgresError(error, path);
  } finally {
    admission.release(role, client);
  }
}
