/**
 * One attempt at one claimed event: build the request (enrichment already resolved), POST it,
 * decide delivered / retry / dead, and record it. Returns when the outcome is in the database.
 */
import type pg from 'pg';
import type { ClaimedEvent } from './claim-events.js';
import type { EventTriggerConf } from './event-triggers.js';
import { buildRequest, MissingEnvError } from './build-request.js';
import { postWebhook } from './post-webhook.js';
import { recordAttempt, type AttemptRecord } from './record-attempt.js';
import { decideRetry, parseRetryAfter } from './retry-delay.js';

export interface DeliverContext {
  readonly pool: pg.Pool;
  /** This worker's instance id: the `locked_by` of the events it claimed. */
  readonly instanceId: string;
  readonly fetch: typeof fetch;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly maxRetryDelaySec: number;
  /** Aborted when a stopping worker gives up waiting. */
  readonly stop: AbortSignal;
}

/** A failure before or without a response: retried like a non-2xx answer. */
function failed(trigger: EventTriggerConf, event: ClaimedEvent, maxDelaySec: number): AttemptRecord['next'] {
  return decideRetry(trigger.retry, event.tries, undefined, maxDelaySec);
}

export async function deliverEvent(
  context: DeliverContext,
  event: ClaimedEvent,
  trigger: EventTriggerConf,
  enrichment: { readonly value: unknown } | { readonly error: string },
): Promise<AttemptRecord> {
  const base = { eventId: event.id, instanceId: context.instanceId, triggerName: event.triggerName };
  const started = performance.now();
  if ('error' in enrichment) {
    const record: AttemptRecord = {
      ...base, status: null, request: null, response: null, error: `enrich failed: ${enrichment.error}`, durationMs: 0,
      next: failed(trigger, event, context.maxRetryDelaySec),
    };
    await recordAttempt(context.pool, record);
    return record;
  }
  let request;
  try {
    request = buildRequest(event, trigger, enrichment.value, context.env);
  } catch (error) {
    if (!(error instanceof MissingEnvError)) throw error;
    const record: AttemptRecord = { ...base, status: null, request: null, response: null, error: error.message, durationMs: 0, next: failed(trigger, event, context.maxRetryDelaySec) };
    await recordAttempt(context.pool, record);
    return record;
  }
  const result = await postWebhook(context.fetch, request.url, request.headers, request.body, trigger.retry.timeoutSec, context.stop);
  const durationMs = performance.now() - started;
  let record: AttemptRecord;
  if (result.kind === 'failed') {
    record = {
      ...base, status: null, request: request.logged, response: null, error: result.error, durationMs,
      next: result.interrupted ? { kind: 'interrupted' } : failed(trigger, event, context.maxRetryDelaySec),
    };
  } else {
    const ok = result.status >= 200 && result.status < 300;
    record = {
      ...base, status: result.status, request: request.logged, response: result.excerpt, durationMs,
      error: ok ? null : `webhook answered ${result.status}`,
      next: ok ? { kind: 'delivered' } : decideRetry(trigger.retry, event.tries, parseRetryAfter(result.retryAfter), context.maxRetryDelaySec),
    };
  }
  await recordAttempt(context.pool, record);
  return record;
}
