/**
 * Argument helpers shared by the event admin operations (`pg_invoke_event_trigger`,
 * `pg_redeliver_event`, the event log reads and Sluice's dead-letter and pause operations).
 */
import { GatewayError } from '../errors/index.js';
import { readCaptureSpecs, type CaptureSpec } from '../events/capture/index.js';
import type { Metadata } from '../../schema/metadata/metadata.js';
import { parseFailed, type JsonObject } from './parse-args.js';

/** The NOTIFY channel the delivery worker listens on (see migrations/catalog/0003_events.sql). */
export const eventsChannel = 'sluice_events';

export function findEventTrigger(metadata: Metadata, name: string): CaptureSpec | undefined {
  return readCaptureSpecs(metadata).find((spec) => spec.name === name);
}

export function requireEventTrigger(metadata: Metadata, name: string, path: string): CaptureSpec {
  const spec = findEventTrigger(metadata, name);
  if (!spec) throw new GatewayError('not-exists', `event trigger "${name}" does not exist`, { path });
  return spec;
}

export function eventTriggerNames(metadata: Metadata): string[] {
  return readCaptureSpecs(metadata).map((spec) => spec.name);
}

/** A non-negative integer argument (`limit`, `offset`) with its default. */
export function optionalCount(obj: JsonObject, key: string, fallback: number, path: string): number {
  const value = obj[key];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw parseFailed('expected a non-negative Int', `${path}.${key}`);
  return value;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isEventId = (id: string): boolean => uuidPattern.test(id);

/** Event ids are uuids; anything else cannot name an event (Hasura: `event not found`). */
export function assertEventId(id: string, path: string): void {
  if (!isEventId(id)) throw new GatewayError('not-exists', 'event not found', { path });
}

/**
 * `status` of `pg_get_event_logs`: Hasura's `pending` (not delivered, not dead, not archived),
 * `processed` (delivered or dead, not archived) and `all` (the default), and Sluice's own states.
 */
export function statusesFor(status: string | undefined, path: string): string[] {
  switch (status ?? 'all') {
    case 'all':
      return ['pending', 'delivered', 'dead', 'archived'];
    case 'processed':
      return ['delivered', 'dead'];
    case 'pending':
    case 'delivered':
    case 'dead':
    case 'archived':
      return [status!];
    default:
      throw parseFailed('status must be one of pending, processed, all, delivered, dead, archived', `${path}.status`);
  }
}
