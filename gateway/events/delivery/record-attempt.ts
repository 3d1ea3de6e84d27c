/**
 * One attempt's outcome, written in one statement: its row in `sluice.event_invocation_log` and
 * the event's new state — delivered, scheduled for a retry, or dead — with its lock released.
 * An attempt cut short by a stopping worker is logged but not counted as a try.
 *
 * The event changes only while this instance still holds its lock: if the lock was taken over
 * (this instance was thought gone, worker-lease.ts, or the lock timed out) the attempt is still
 * logged, but the new owner's claim and outcome are left alone.
 */
import type pg from 'pg';
import { inWriteTransaction } from '../in-write-transaction.js';

export interface AttemptRecord {
  readonly eventId: string;
  /** The instance that claimed the event (`locked_by`). */
  readonly instanceId: string;
  readonly triggerName: string;
  /** HTTP status; null when no response came (timeout, connection error, setup failure). */
  readonly status: number | null;
  readonly request: unknown;
  /** At most the first 4 kB of the response body. */
  readonly response: string | null;
  readonly error: string | null;
  readonly durationMs: number;
  readonly next:
    | { readonly kind: 'delivered' }
    | { readonly kind: 'retry'; readonly delaySec: number }
    | { readonly kind: 'dead' }
    | { readonly kind: 'interrupted' };
}

const recordSql = `
WITH attempt AS (
  INSERT INTO sluice.event_invocation_log (event_id, trigger_name, status, request, response, error, duration_ms)
  VALUES ($1, $2, $3, $4, $5, $6, $7)
)
UPDATE sluice.event_log SET
  status = CASE $8::text WHEN 'delivered' THEN 'delivered' WHEN 'dead' THEN 'dead' ELSE status END,
  tries = CASE $8::text WHEN 'interrupted' THEN tries ELSE tries + 1 END,
  next_retry_at = CASE $8::text WHEN 'retry' THEN now() + make_interval(secs => $9) WHEN 'interrupted' THEN next_retry_at ELSE NULL END,
  delivered_at = CASE $8::text WHEN 'delivered' THEN now() ELSE delivered_at END,
  locked_at = NULL,
  locked_by = NULL
WHERE id = $1 AND status = 'pending' AND locked_by = $10`;

export async function recordAttempt(pool: pg.Pool, record: AttemptRecord): Promise<void> {
  const delaySec = record.next.kind === 'retry' ? record.next.delaySec : 0;
  await inWriteTransaction(pool, (client) =>
    client.query(recordSql, [
      record.eventId,
      record.triggerName,
      record.status,
      JSON.stringify(record.request),
      record.response,
      record.error,
      Math.round(record.durationMs),
      record.next.kind,
      delaySec,
      record.instanceId,
    ]),
  );
}
