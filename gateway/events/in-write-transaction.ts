/**
 * Runs `work` in a READ WRITE transaction on a pool client: the gateway's pool opens connections
 * read-only (`default_transaction_read_only`), so every write of the event machinery goes through
 * here. Rolls back on any error and rethrows it.
 */
import type pg from 'pg';

export async function inWriteTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN READ WRITE');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
