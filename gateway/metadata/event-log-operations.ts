/**
 * Read-only views of the event log for admins: Hasura's `pg_get_event_logs`,
 * `pg_get_event_invocation_logs` and `pg_get_event_by_id`, and Sluice's dead-letter view
 * `sluice_dead_events` (each dead event with its last attempt). Rows are answered as JSON.
 */
import { GatewayError } from '../errors/index.js';
import type { MetadataOperation, OperationResult } from './metadata-operation.js';
import { checkSource, expectObject, optionalString, requireString } from './parse-args.js';
import { runRead } from './run-write.js';
import { assertEventId, optionalCount, statusesFor } from './event-admin-args.js';

const answer = (response: unknown): OperationResult => ({ kind: 'read', response });

const eventColumns = `id, trigger_name, schema_name, table_name, op, data, session_variables, trace_context,
  status, tries, created_at, next_retry_at, locked_at, delivered_at`;

const invocationColumns = 'id, event_id, trigger_name, status, request, response, error, duration_ms, created_at';

const getEventLogs: MetadataOperation = async (args, context) => {
  const obj = expectObject(args, context.path);
  checkSource(obj, context.path);
  const name = requireString(obj, 'name', context.path);
  const statuses = statusesFor(optionalString(obj, 'status', context.path), context.path);
  const rows = await runRead(
    context.pool,
    `SELECT ${eventColumns} FROM sluice.event_log WHERE trigger_name = $1 AND status = ANY($2::text[])
      ORDER BY created_at DESC, id LIMIT $3 OFFSET $4`,
    [name, statuses, optionalCount(obj, 'limit', 100, context.path), optionalCount(obj, 'offset', 0, context.path)],
    context.path,
  );
  return answer(rows);
};

/** By trigger (`name`) or by event (`event_id`), newest attempt first. */
const getInvocationLogs: MetadataOperation = async (args, context) => {
  const obj = expectObject(args, context.path);
  checkSource(obj, context.path);
  const name = optionalString(obj, 'name', context.path);
  const eventId = optionalString(obj, 'event_id', context.path);
  if (name === undefined && eventId === undefined) throw new GatewayError('parse-failed', 'expecting name or event_id', { path: context.path });
  if (eventId !== undefined) assertEventId(eventId, context.path);
  const rows = await runRead(
    context.pool,
    `SELECT ${invocationColumns} FROM sluice.event_invocation_log
      WHERE ($1::text IS NULL OR trigger_name = $1) AND ($2::uuid IS NULL OR event_id = $2::uuid)
      ORDER BY created_at DESC, id DESC LIMIT $3 OFFSET $4`,
    [name ?? null, eventId ?? null, optionalCount(obj, 'limit', 100, context.path), optionalCount(obj, 'offset', 0, context.path)],
    context.path,
  );
  return answer(rows);
};

const getEventById: MetadataOperation = async (args, context) => {
  const obj = expectObject(args, context.path);
  checkSource(obj, context.path);
  const name = requireString(obj, 'name', context.path);
  const eventId = requireString(obj, 'event_id', context.path);
  assertEventId(eventId, context.path);
  const events = await runRead(context.pool, `SELECT ${eventColumns} FROM sluice.event_log WHERE id = $1::uuid AND trigger_name = $2`, [eventId, name], context.path);
  if (events.length === 0) throw new GatewayError('not-exists', 'event not found', { path: context.path });
  const invocations = await runRead(
    context.pool,
    `SELECT ${invocationColumns} FROM sluice.event_invocation_log WHERE event_id = $1::uuid ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3`,
    [eventId, optionalCount(obj, 'invocation_log_limit', 100, context.path), optionalCount(obj, 'invocation_log_offset', 0, context.path)],
    context.path,
  );
  return answer({ event: events[0], invocations });
};

/** The dead letter: events that used up their retries, with why the last attempt failed. */
const deadEvents: MetadataOperation = async (args, context) => {
  const obj = expectObject(args ?? {}, context.path);
  const rows = await runRead(
    context.pool,
    `SELECT e.id, e.trigger_name, e.schema_name, e.table_name, e.op, e.data, e.session_variables, e.tries, e.created_at,
            last.status AS last_status, last.error AS last_error, last.response AS last_response, last.created_at AS last_attempt_at
       FROM sluice.event_log e
       LEFT JOIN LATERAL (
         SELECT i.status, i.error, i.response, i.created_at FROM sluice.event_invocation_log i
          WHERE i.event_id = e.id ORDER BY i.created_at DESC, i.id DESC LIMIT 1
       ) AS last ON true
      WHERE e.status = 'dead' AND ($1::text IS NULL OR e.trigger_name = $1)
      ORDER BY e.created_at DESC, e.id LIMIT $2`,
    [optionalString(obj, 'trigger_name', context.path) ?? null, optionalCount(obj, 'limit', 100, context.path)],
    context.path,
  );
  return answer(rows);
};

export const eventLogOperations: Record<string, MetadataOperation> = {
  pg_get_event_logs: getEventLogs,
  pg_get_event_invocation_logs: getInvocationLogs,
  pg_get_event_by_id: getEventById,
};

export const sluiceEventLogOperations: Record<string, MetadataOperation> = {
  sluice_dead_events: deadEvents,
};
