/**
 * When a failed attempt is tried again, or whether the event is dead.
 *
 * Hasura retries after a constant `interval_sec`; Sluice backs off exponentially:
 *
 *     delay = min(maxDelaySec, interval_sec × 2^(current_retry))
 *
 * where `current_retry` is the number of attempts made before the failed one (0 for the first),
 * so with `interval_sec: 10` the retries come 10 s, 20 s, 40 s … after each failure. A positive
 * integer `Retry-After: <seconds>` on the response replaces the computed delay (still capped).
 * Hasura keeps retrying while `Retry-After` is sent even after `num_retries`; Sluice does not —
 * an endpoint that always answers 503 with `Retry-After` would otherwise never let the event die.
 * The event is dead once `num_retries + 1` attempts have failed.
 */
import type { RetryConf } from './event-triggers.js';

export type RetryDecision = { readonly kind: 'retry'; readonly delaySec: number } | { readonly kind: 'dead' };

/** `Retry-After` in seconds; the HTTP-date form is ignored (Hasura too). */
export function parseRetryAfter(value: string | null | undefined): number | undefined {
  if (value === null || value === undefined || !/^\s*\d+\s*$/.test(value)) return undefined;
  const seconds = Number(value);
  return seconds > 0 ? seconds : undefined;
}

export function decideRetry(retry: RetryConf, triesBefore: number, retryAfterSec: number | undefined, maxDelaySec: number): RetryDecision {
  if (triesBefore >= retry.numRetries) return { kind: 'dead' };
  const computed = retry.intervalSec * 2 ** triesBefore;
  return { kind: 'retry', delaySec: Math.min(maxDelaySec, retryAfterSec ?? computed) };
}
