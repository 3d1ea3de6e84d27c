/**
 * Read-only views of the event log for admins: Hasura's `pg_get_event_logs`,
 * `pg_get_event_invocation_logs` and `pg_get_event_by_id`, and Sluice's dead-letter view
 * `sluice_dead_events` (each dead event with its last attempt).
 *
 * Rows have Hasura's shapes (its `EventLog` and `EventInvocationLog`), built from Sluice's tables:
 * an event is `{id, schema_name, table_name, trigger_name, payload: {op, data, session_variables,
 * trace_context}, delivered, error, tries, created_at, locked, next_retry_at, archived}`; an
 * attempt is `{id, trigger_name, event_id, http_status, request: {payload, headers, version},
 * response: {type: "webhook_response" | "client_error", data, version}, created_at}` — a 2xx
 * answer is a `webhook_response` `{body, headers, status}`, anything else a `client_error`
 * `{message}` (the body, or why no answer came). Sluice adds what Hasura keeps elsewhere or not at
 * all: an event's `status` and `delivered_at`; an attempt's `error` and `duration_ms`. Headers are
 * listed by name only: Sluice never stores header values, which may be secrets.
 */
import { GatewayError } from '../errors/index.js';
import type { MetadataOperation, OperationResult } from './metadata-operation.js';
import { checkSource, expectObject, optionalString, requireString } from './parse-args.js';
import { runRead } from './run-write.js';
import { assertEventId, isEventId, optionalCount, statusesFor } from './event-admin-args.js';

const answer = (response: unknown): OperationResult => ({ kind: 'read', response });

const eventColumns = `id, schema_name, table_name, trigger_name,
  jsonb_build_object('op', op, 'data', data, 'session_variables', session_variables, 'trace_context', trace_context) AS payload,
  status = 'delivered' AS delivered, status = 'dead' AS error, tries, created_at, locked_at AS locked, next_retry_at,
  status = 'archived' AS archived, status, delivered_at`;

const invocationColumns = `id::text AS id, trigger_name, event_id, status AS http_status,
  jsonb_build_object('payload', NULL) || (coalesce(request, '{}') - 'headers') || jsonb_build_object(
    'headers', coalesce((SELECT jsonb_agg(jsonb_build_object('name', h)) FROM jsonb_array_elements_text(request->'headers') AS h), '[]'),
    'version', '2') AS request,
  CASE WHEN status BETWEEN 200 AND 299
    THEN jsonb_build_object('type', 'webhook_response', 'data', jsonb_build_object('body', response, 'headers', '[]'::jsonb, 'status', status), 'version', '2')
    ELSE jsonb_build_object('type', 'client_error', 'data', jsonb_build_object('message', coalesce(nullif(response, ''), error, '')), 'version', '2')
  END AS response,
  created_at, error, duration_ms`;

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
  // Hasura takes no trigger name here; one given must match.
  const name = optionalString(obj, 'name', context.path);
  const eventId = requireString(obj, 'event_id', context.path);
  const missing = new GatewayError('not-exists', `event id ${eventId} does not exist`, { path: context.path });
  if (!isEventId(eventId)) throw missing;
  const events = await runRead(
    context.pool,
    `SELECT ${eventColumns} FROM sluice.event_log WHERE id = $1::uuid AND ($2::text IS NULL OR trigger_name = $2)`,
    [eventId, name ?? null],
    context.path,
  );
  if (events.length === 0) throw missing;
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
