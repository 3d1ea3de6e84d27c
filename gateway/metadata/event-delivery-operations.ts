/**
 * Admin operations that act on the event log: `pg_invoke_event_trigger` (a MANUAL event),
 * `pg_redeliver_event`, and Sluice's `sluice_redeliver_events` (bulk replay from the dead letter),
 * `sluice_pause_event_trigger` and `sluice_resume_event_trigger`. They change rows, not the
 * metadata document, so they answer as reads; every value is a parameter, and each write NOTIFYs
 * the delivery worker in the same statement (delivered on COMMIT).
 */
import { GatewayError } from '../errors/index.js';
import type { MetadataOperation, OperationResult } from './metadata-operation.js';
import { successMessage } from './metadata-operation.js';
import { checkSource, expectObject, optionalString, parseFailed, requireKey, requireString } from './parse-args.js';
import { runWrite } from './run-write.js';
import { assertEventId, eventsChannel, eventTriggerNames, requireEventTrigger } from './event-admin-args.js';

const answer = (response: unknown): OperationResult => ({ kind: 'read', response });

/** The metadata API is admin-only, so a manual event is the admin's, as in Hasura. */
const adminSession = JSON.stringify({ 'x-hasura-role': 'admin' });

const invokeEventTrigger: MetadataOperation = async (args, context) => {
  const obj = expectObject(args, context.path);
  checkSource(obj, context.path);
  const spec = requireEventTrigger(context.metadata, requireString(obj, 'name', context.path), context.path);
  const payload = requireKey(obj, 'payload', context.path);
  if (!spec.enableManual) throw new GatewayError('not-supported', 'manual mode is not enabled for event trigger', { path: context.path });
  const rows = await runWrite<{ id: string }>(
    context.pool,
    `INSERT INTO sluice.event_log (trigger_name, schema_name, table_name, op, data, session_variables)
     VALUES ($1, $2, $3, 'MANUAL', jsonb_build_object('old', NULL, 'new', $4::jsonb), $5::jsonb)
     RETURNING id, pg_notify($6, trigger_name)`,
    [spec.name, spec.table.schema, spec.table.name, JSON.stringify(payload), adminSession, eventsChannel],
    context.path,
  );
  return answer({ event_id: rows[0]!.id });
};

/**
 * Hasura's `pg_redeliver_event`: back to pending with no tries; `busy` while an instance holds it.
 * An event whose trigger is no longer in the metadata (dropped: its events were archived) is
 * refused with `not-exists`: Hasura v1 answered `event not found` (it joined the event with the
 * trigger table), and v2 answers success for an event that then stays archived and is never
 * delivered. Sluice says why, and leaves the event archived.
 */
const redeliverEvent: MetadataOperation = async (args, context) => {
  const obj = expectObject(args, context.path);
  checkSource(obj, context.path);
  const eventId = requireString(obj, 'event_id', context.path);
  assertEventId(eventId, context.path);
  const rows = await runWrite<{ trigger_name: string; busy: boolean; known: boolean }>(
    context.pool,
    `WITH target AS (
       SELECT id, trigger_name, (status = 'pending' AND locked_at >= now() - make_interval(secs => $4::int)) AS busy, trigger_name = ANY($3::text[]) AS known
         FROM sluice.event_log WHERE id = $1::uuid FOR UPDATE
     ), redelivered AS (
       UPDATE sluice.event_log e
          SET status = 'pending', tries = 0, next_retry_at = now(), locked_at = NULL, locked_by = NULL, delivered_at = NULL
         FROM target t WHERE e.id = t.id AND NOT t.busy AND t.known
       RETURNING pg_notify($2, e.trigger_name)
     )
     SELECT t.trigger_name, t.busy, t.known FROM target t LEFT JOIN redelivered ON true`,
    // A pending event locked within the workers' lock timeout is being delivered right now.
    [eventId, eventsChannel, eventTriggerNames(context.metadata), context.eventLockTimeoutSec],
    context.path,
  );
  const target = rows[0];
  if (!target) throw new GatewayError('not-exists', 'event not found', { path: context.path });
  if (!target.known) throw new GatewayError('not-exists', `event trigger "${target.trigger_name}" of this event does not exist`, { path: context.path });
  if (target.busy) throw new GatewayError('busy', 'event is already being processed', { path: context.path });
  return answer(successMessage);
};

/** Replays dead (or delivered) events, optionally of one trigger and a `created_at` range. */
const redeliverEvents: MetadataOperation = async (args, context) => {
  const obj = expectObject(args ?? {}, context.path);
  const triggerName = optionalString(obj, 'trigger_name', context.path);
  const status = optionalString(obj, 'status', context.path) ?? 'dead';
  if (status !== 'dead' && status !== 'delivered') throw parseFailed('status must be "dead" or "delivered"', `${context.path}.status`);
  const names = triggerName === undefined ? eventTriggerNames(context.metadata) : [requireEventTrigger(context.metadata, triggerName, context.path).name];
  const rows = await runWrite<{ count: number }>(
    context.pool,
    `WITH replayed AS (
       UPDATE sluice.event_log
          SET status = 'pending', tries = 0, next_retry_at = now(), locked_at = NULL, locked_by = NULL, delivered_at = NULL
        WHERE status = $1 AND trigger_name = ANY($2::text[])
          AND ($3::timestamptz IS NULL OR created_at >= $3::timestamptz)
          AND ($4::timestamptz IS NULL OR created_at < $4::timestamptz)
       RETURNING trigger_name
     ), woken AS (SELECT pg_notify($5, trigger_name) FROM (SELECT DISTINCT trigger_name FROM replayed) AS t)
     SELECT (SELECT count(*)::int FROM replayed) AS count, (SELECT count(*) FROM woken) AS woken`,
    [status, names, optionalString(obj, 'since', context.path) ?? null, optionalString(obj, 'until', context.path) ?? null, eventsChannel],
    context.path,
  );
  return answer({ message: 'success', count: rows[0]!.count });
};

function setPaused(paused: boolean): MetadataOperation {
  return async (args, context) => {
    const obj = expectObject(args, context.path);
    const spec = requireEventTrigger(context.metadata, requireString(obj, 'name', context.path), context.path);
    await runWrite(
      context.pool,
      `INSERT INTO sluice.event_trigger_state (trigger_name, paused) VALUES ($1, $2)
       ON CONFLICT (trigger_name) DO UPDATE SET paused = excluded.paused
       RETURNING pg_notify($3, trigger_name)`,
      [spec.name, paused, eventsChannel],
      context.path,
    );
    return answer(successMessage);
  };
}

export const eventDeliveryOperations: Record<string, MetadataOperation> = {
  pg_invoke_event_trigger: invokeEventTrigger,
  pg_redeliver_event: redeliverEvent,
};

/** Sluice's own, on `/v1/metadata` only. */
export const sluiceEventOperations: Record<string, MetadataOperation> = {
  sluice_redeliver_events: redeliverEvents,
  sluice_pause_event_trigger: setPaused(true),
  sluice_resume_event_trigger: setPaused(false),
};
