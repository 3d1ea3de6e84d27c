/**
 * The messages between the benchmark and its load worker (a separate process, so the client does
 * not share Sluice's event loop), and the summary of one run.
 */
import type { CapturedStatement } from './start-sluice.js';
import type { Dialect } from './workloads.js';
import { bodyHasErrors } from './keep-alive-client.js';

export type LoadTarget =
  /** POST GraphQL requests to Sluice or PostGraphile. */
  | {
      readonly kind: 'graphql';
      readonly url: string;
      /** Request i is of workload i % length (one workload for a timed run, all for the soak). */
      readonly workloads: readonly string[];
      readonly dialect: Dialect;
      /** Chinook copies loaded (some workloads spread their keys over them). */
      readonly scale: number;
      /**
       * A new TCP connection per request, closed after the answer (`Connection: close`), like a
       * serverless function that cannot keep one: the burst. Otherwise keep-alive.
       */
      readonly freshConnections?: boolean;
      /** With keep-alive: `minimal` (default, keep-alive-client.ts) or Node's `http` client. */
      readonly httpClient?: 'minimal' | 'node';
    }
  /** Run the captured statements directly on Postgres, cycling through them like the variants. */
  | {
      readonly kind: 'sql';
      readonly url: string;
      /**
       * Sluice's pool size, statement timeout and heap priming, so both sides run under the same
       * limits and their backends treat memory alike.
       */
      readonly poolMax: number;
      readonly statementTimeoutMs: number;
      readonly heapPrimeKb: number;
      readonly statements: readonly CapturedStatement[];
    }
  /**
   * Each request opens its own Postgres connection, runs one captured statement and closes it:
   * serverless functions talking to the database without a gateway (the burst's other side).
   */
  | {
      readonly kind: 'sql-connect';
      readonly url: string;
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
  readonly maxMs: number | null;
  /**
   * The same latencies split by whether the request was its caller's first. All callers start at
   * once, so their first requests are a burst's arrival (and the load generator's own cold
   * start); the later ones show whether a caller starves once the load runs. Absent from
   * results combined over rounds.
   */
  readonly firstRequests?: LatencySummary;
  readonly laterRequests?: LatencySummary;
  /** Failures in the window by kind (`HTTP 503`, `ECONNRESET`, SQLSTATE `53300` …). */
  readonly errorKinds: Readonly<Record<string, number>>;
  /** The first failure's message, for the log. */
  readonly firstError?: string;
}

export interface LatencySummary {
  /** Successful requests in the measured window. */
  readonly requests: number;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  readonly maxMs: number | null;
}

/** Count, median, p99 and max of latencies in milliseconds. */
export function summarizeLatencies(latencies: readonly number[]): LatencySummary {
  const sorted = Float64Array.from(latencies).sort();
  return {
    requests: sorted.length,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted.length > 0 ? sorted[sorted.length - 1]! : null,
  };
}

/** Nearest-rank percentile of ascending-sorted samples. */
export function percentile(sorted: Float64Array, p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(rank, 1)) - 1]!;
}

/**
 * A short name for a failure, to count failures by kind: the HTTP status, a Node socket error code
 * or a Postgres SQLSTATE with its message.
 */
export function errorKind(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && !code.startsWith('E')) return `SQLSTATE ${code} (${error.message.slice(0, 90)})`;
    if (typeof code === 'string') return code;
    const http = /^HTTP \d+/.exec(error.message);
    if (http) return http[0];
    return error.message.slice(0, 60);
  }
  return String(error).slice(0, 60);
}

/** Whether a GraphQL response body carries errors, without parsing it: the same rule as on the bytes. */
export function hasErrors(body: string): boolean {
  return bodyHasErrors(Buffer.from(body));
}
