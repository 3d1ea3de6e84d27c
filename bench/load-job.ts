/**
 * The messages between the benchmark and its load worker (a separate process, so the client does
 * not share Sluice's event loop), and the summary of one run.
 */
import type { CapturedStatement } from './start-sluice.js';

export type LoadTarget =
  /** POST the workload's GraphQL requests to Sluice. */
  | { readonly kind: 'graphql'; readonly url: string; readonly workload: string }
  /** Run the captured statements directly on Postgres, cycling through them like the variants. */
  | {
      readonly kind: 'sql';
      readonly url: string;
      /** Sluice's pool size and statement timeout, so both sides run under the same limits. */
      readonly poolMax: number;
      readonly statementTimeoutMs: number;
      readonly statements: readonly CapturedStatement[];
    };

export interface LoadJob {
  readonly target: LoadTarget;
  /** In-flight request loops. */
  readonly concurrency: number;
  readonly warmupMs: number;
  readonly durationMs: number;
  /** A request slower than this is abandoned and counted as an error. */
  readonly requestTimeoutMs: number;
}

export interface LoadResult {
  /** Successful requests that completed inside the measured window. */
  readonly requests: number;
  /** Failed requests (non-200, `errors` in the body, timeout, SQL error) completed in the window. */
  readonly errors: number;
  /** Failures during warm-up: not in `errors`, but reported so a broken workload is visible. */
  readonly warmupErrors: number;
  readonly durationS: number;
  readonly requestsPerSecond: number;
  /** Latency of the successful requests, milliseconds; null when there were none. */
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  /** The first failure's message, for the log. */
  readonly firstError?: string;
}

/** Nearest-rank percentile of ascending-sorted samples. */
export function percentile(sorted: Float64Array, p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(rank, 1)) - 1]!;
}

// A key, not a value: `"errors"` as a string value (a track named so) is followed by `,` or `}`.
const errorsKey = /"errors"\s*:/;

/** Whether a GraphQL response body carries errors, without parsing it (bodies reach 150 kB). */
export function hasErrors(body: string): boolean {
  return errorsKey.test(body);
}
