/**
 * Claiming due events, shared safely by any number of gateway instances.
 *
 * One short READ WRITE transaction:
 * 1. `pg_advisory_xact_lock(hashtext('sluice_events:' || trigger))` for every trigger asked for,
 *    in a fixed order (no deadlock between instances). Claims of the same trigger are thus
 *    serialised across instances until commit.
 * 2. The claim itself, a separate statement on purpose: under READ COMMITTED each statement takes
 *    its snapshot when it starts, so only a statement that starts *after* the lock is granted sees
 *    the claims the previous holder committed. (A single statement taking the lock would count
 *    with a snapshot from before it waited.)
 *
 * The per-trigger cap (`max_concurrency`, a Sluice extension) counts that trigger's pending rows
 * locked within `lockTimeout` — every claimed event, whether its request has started or not — and
 * claims at most the difference. Stale locks (a crashed worker) are neither counted nor respected:
 * such events are claimed again, which is what makes delivery at-least-once (the locks of an
 * instance known to be gone are released sooner, see worker-lease.ts). Paused triggers
 * (`sluice.event_trigger_state.paused`) claim nothing. Within a trigger, oldest first;
 * `FOR UPDATE SKIP LOCKED` lets instances claim side by side without waiting on each other's rows.
 *
 * Huge rows: the claim also stops at `byteBudget` bytes of event data (`pg_column_size`, the
 * stored and possibly compressed size), oldest first, but always takes at least one event. A
 * batch of 100 rows of 20 MB each would otherwise be 2 GB in one worker's memory — a crash, a
 * restart, the same batch again: a stuck worker. Rows over the budget are row-locked by the
 * statement only until commit and stay unclaimed.
 */
import type pg from 'pg';
import { inWriteTransaction } from '../in-write-transaction.js';

export interface ClaimedEvent {
  readonly id: string;
  readonly triggerName: string;
  readonly schemaName: string;
  readonly tableName: string;
  readonly op: string;
  readonly data: { readonly old: unknown; readonly new: unknown };
  readonly sessionVariables: unknown;
  readonly traceContext: unknown;
  readonly createdAt: Date;
  /** Attempts made before this one (Hasura's `current_retry`). */
  readonly tries: number;
  /** Stored size of the event data in bytes (counts against the worker's in-flight budget). */
  readonly size: number;
}

export interface ClaimRequest {
  readonly instanceId: string;
  readonly triggers: readonly { readonly name: string; readonly maxConcurrency: number }[];
  readonly limit: number;
  readonly lockTimeoutSec: number;
  /** Claim events until their data adds up to this many bytes (at least one event). */
  readonly byteBudget: number;
}

const lockSql = `
SELECT pg_advisory_xact_lock(k)
FROM (SELECT DISTINCT hashtext('sluice_events:' || t) AS k FROM unnest($1::text[]) AS t ORDER BY 1) AS keys`;

const claimSql = `
WITH capacity AS (
  SELECT t.name, t.cap - (
    SELECT count(*) FROM sluice.event_log busy
    WHERE busy.trigger_name = t.name AND busy.status = 'pending'
      AND busy.locked_at >= now() - make_interval(secs => $4)
  ) AS free
  FROM unnest($1::text[], $2::int[]) AS t(name, cap)
  WHERE NOT EXISTS (SELECT 1 FROM sluice.event_trigger_state s WHERE s.trigger_name = t.name AND s.paused)
),
due AS (
  SELECT picked.id, picked.created_at, picked.size
  FROM capacity CROSS JOIN LATERAL (
    SELECT e.id, e.created_at, pg_column_size(e.data)::bigint AS size FROM sluice.event_log e
    WHERE e.trigger_name = capacity.name AND e.status = 'pending'
      AND (e.next_retry_at IS NULL OR e.next_retry_at <= now())
      AND (e.locked_at IS NULL OR e.locked_at < now() - make_interval(secs => $4))
    ORDER BY e.created_at
    LIMIT least(greatest(capacity.free, 0), $3)
    FOR UPDATE OF e SKIP LOCKED
  ) AS picked
  LIMIT $3
),
within_budget AS (
  SELECT id, size FROM (SELECT id, size, sum(size) OVER (ORDER BY created_at, id) - size AS before FROM due) AS running
  WHERE before < $6
)
UPDATE sluice.event_log e SET locked_at = now(), locked_by = $5
FROM within_budget b WHERE e.id = b.id
RETURNING e.id, e.trigger_name, e.schema_name, e.table_name, e.op, e.data, e.session_variables,
  e.trace_context, e.created_at, e.tries, b.size`;

interface ClaimRow {
  id: string;
  trigger_name: string;
  schema_name: string;
  table_name: string;
  op: string;
  data: { old: unknown; new: unknown };
  session_variables: unknown;
  trace_context: unknown;
  created_at: Date;
  tries: number;
  size: string;
}

export async function claimEvents(pool: pg.Pool, request: ClaimRequest): Promise<ClaimedEvent[]> {
  if (request.triggers.length === 0 || request.limit <= 0) return [];
  const names = request.triggers.map((t) => t.name);
  const caps = request.triggers.map((t) => t.maxConcurrency);
  const rows = await inWriteTransaction(pool, async (client) => {
    await client.query(lockSql, [names]);
    const budget = Math.max(1, Math.floor(request.byteBudget));
    return (await client.query<ClaimRow>(claimSql, [names, caps, request.limit, request.lockTimeoutSec, request.instanceId, budget])).rows;
  });
  return rows
    .map((r) => ({
      id: r.id,
      triggerName: r.trigger_name,
      schemaName: r.schema_name,
      tableName: r.table_name,
      op: r.op,
      data: r.data,
      sessionVariables: r.session_variables,
      traceContext: r.trace_context,
      createdAt: r.created_at,
      tries: r.tries,
      size: Number(r.size),
    }))
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
}

/** Gives back events this instance claimed but did not attempt (shutdown). */
export async function releaseEvents(pool: pg.Pool, instanceId: string, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await inWriteTransaction(pool, (client) =>
    client.query(`UPDATE sluice.event_log SET locked_at = NULL, locked_by = NULL WHERE id = ANY($1::uuid[]) AND locked_by = $2 AND status = 'pending'`, [
      ids,
      instanceId,
    ]),
  );
}
