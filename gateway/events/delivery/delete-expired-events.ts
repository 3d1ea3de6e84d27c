/**
 * Retention: delivered events older than the retention age are deleted with their invocation logs
 * (the foreign key cascades). Dead events are kept for replay; archived ones are left alone too.
 * Deletes in batches so no transaction holds many row locks, and skips rows another instance is
 * deleting at the same moment.
 */
import type pg from 'pg';
import { inWriteTransaction } from '../in-write-transaction.js';

const deleteSql = `
DELETE FROM sluice.event_log WHERE id IN (
  SELECT id FROM sluice.event_log
  WHERE status = 'delivered' AND coalesce(delivered_at, created_at) < now() - make_interval(secs => $1)
  LIMIT $2 FOR UPDATE SKIP LOCKED
)`;

/** Returns how many events were deleted. */
export async function deleteExpiredEvents(pool: pg.Pool, retentionHours: number, batchSize = 5000): Promise<number> {
  let total = 0;
  for (;;) {
    const result = await inWriteTransaction(pool, (client) => client.query(deleteSql, [retentionHours * 3600, batchSize]));
    total += result.rowCount ?? 0;
    if ((result.rowCount ?? 0) < batchSize) return total;
  }
}
