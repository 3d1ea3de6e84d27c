/**
 * The event triggers the worker delivers for, read from metadata (each tracked table's
 * `event_triggers`, in the shape `pg_create_event_trigger` stores). Two Sluice extensions live
 * in the trigger's `definition`: `max_concurrency` (deliveries in flight across all instances,
 * default 100) and `enrich` (a GraphQL selection on the trigger's table added to the payload).
 */
import type { QualifiedName } from '../../../schema/model/database-model.js';
import type { Metadata } from '../../../schema/metadata/metadata.js';

export interface HeaderConf {
  readonly name: string;
  readonly value?: string;
  readonly value_from_env?: string;
}

export interface RetryConf {
  readonly numRetries: number;
  readonly intervalSec: number;
  readonly timeoutSec: number;
}

export interface EventTriggerConf {
  readonly name: string;
  readonly table: QualifiedName;
  /** `{{ENV}}` templates unresolved: they are resolved per attempt. */
  readonly webhook: { readonly url: string } | { readonly fromEnv: string };
  readonly headers: readonly HeaderConf[];
  readonly retry: RetryConf;
  readonly maxConcurrency: number;
  readonly enrich: string | undefined;
}

export const defaultMaxConcurrency = 100;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : fallback;
}

function parseHeaders(value: unknown): HeaderConf[] {
  if (!Array.isArray(value)) return [];
  return value.filter(isObject).flatMap((h): HeaderConf[] => {
    if (typeof h.name !== 'string') return [];
    if (typeof h.value === 'string') return [{ name: h.name, value: h.value }];
    if (typeof h.value_from_env === 'string') return [{ name: h.name, value_from_env: h.value_from_env }];
    return [];
  });
}

function parseTrigger(table: QualifiedName, raw: Record<string, unknown>): EventTriggerConf | undefined {
  if (typeof raw.name !== 'string') return undefined;
  const webhook =
    typeof raw.webhook === 'string' ? { url: raw.webhook } : typeof raw.webhook_from_env === 'string' ? { fromEnv: raw.webhook_from_env } : undefined;
  if (!webhook) return undefined;
  const definition = isObject(raw.definition) ? raw.definition : {};
  const retry = isObject(raw.retry_conf) ? raw.retry_conf : {};
  const cap = definition.max_concurrency;
  return {
    name: raw.name,
    table,
    webhook,
    headers: parseHeaders(raw.headers),
    // Hasura's defaults (defaultRetryConf).
    retry: { numRetries: numberOr(retry.num_retries, 0), intervalSec: numberOr(retry.interval_sec, 10), timeoutSec: numberOr(retry.timeout_sec, 60) },
    maxConcurrency: typeof cap === 'number' && Number.isInteger(cap) && cap > 0 ? cap : defaultMaxConcurrency,
    enrich: typeof definition.enrich === 'string' && definition.enrich.trim() !== '' ? definition.enrich : undefined,
  };
}

/** Every event trigger of every source, by name (names are unique, as in Hasura). */
export function readEventTriggers(metadata: Metadata): ReadonlyMap<string, EventTriggerConf> {
  const triggers = new Map<string, EventTriggerConf>();
  for (const source of metadata.sources) {
    for (const table of source.tables) {
      for (const raw of table.event_triggers ?? []) {
        const trigger = parseTrigger(table.table, raw);
        if (trigger && !triggers.has(trigger.name)) triggers.set(trigger.name, trigger);
      }
    }
  }
  return triggers;
}
