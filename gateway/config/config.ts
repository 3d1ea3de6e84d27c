/**
 * The gateway's settings, read once from the environment by `loadConfig` at startup and passed
 * down explicitly (no module reads `process.env` on its own).
 */
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface Config {
  /** Postgres connection string; undefined means "start the embedded Postgres". */
  readonly databaseUrl: string | undefined;
  readonly port: number;
  /** Undefined: dev mode, every request is admin (announced loudly at startup). */
  readonly adminSecret: string | undefined;
  /** Upper bound of the one connection pool. */
  readonly poolMax: number;
  /** How long a request waits for a free connection before it gets a 503. */
  readonly poolTimeoutMs: number;
  /**
   * `SLUICE_POOL_HEAP_PRIME_KB`: memory each new pool connection allocates and frees once in its
   * Postgres backend, so that glibc there keeps up to twice this much heap between statements
   * instead of faulting fresh pages in for every large answer (`primeBackendHeap`); 0: none.
   */
  readonly poolHeapPrimeKb: number;
  /** `statement_timeout` set on every pool connection; 0 disables it. */
  readonly statementTimeoutMs: number;
  readonly logLevel: LogLevel;
  /** Schemas whose tables and views are tracked automatically. */
  readonly exposeSchemas: readonly string[];
  readonly autoTrack: boolean;
  /** Hasura's `--stringify-numeric-types`: bigint, numeric, float8 and money as JSON strings. */
  readonly stringifyNumericTypes: boolean;
  /** Largest accepted request body, in bytes. */
  readonly maxBodyBytes: number;
  /**
   * `SLUICE_LISTEN_BACKLOG`: connections the kernel holds before the server accepts them. A burst
   * of cold callers (each a new connection) overflows Node's default of 511, and every dropped
   * SYN costs its caller a 1 s retransmit; the kernel caps the value at `net.core.somaxconn`.
   */
  readonly listenBacklog: number;
  /** Role of requests with neither admin secret nor JWT; undefined means they are refused. */
  readonly unauthorizedRole?: string | undefined;
  /** `SLUICE_JWT_SECRET` as given (Hasura's JSON format), with the variable it came from. */
  readonly jwtSecret?: { readonly name: string; readonly value: string } | undefined;
  /** How metadata and schema changes made elsewhere reach this instance (gateway/reload). */
  readonly reload?: ReloadSettings;
  /** The event delivery worker (gateway/events/delivery). */
  readonly events?: EventSettings;
  /** Bounded waiting and per-role concurrency in front of the pool (gateway/admission). */
  readonly backpressure?: BackpressureSettings;
  /** `SLUICE_METRICS_SECRET`: a bearer token that may read `/metrics` besides the admin secret. */
  readonly metricsSecret?: string | undefined;
}

export interface BackpressureSettings {
  /** `SLUICE_POOL_QUEUE_MAX`: requests that may wait for a connection or a role slot; more get a 503 at once. */
  readonly queueMax: number;
  /** `SLUICE_ROLE_CONCURRENCY` (`payments=5,reporting=2`): requests of a role holding connections at once. */
  readonly roleConcurrency: ReadonlyMap<string, number>;
  /** `SLUICE_ROLE_CONCURRENCY_DEFAULT`: the limit of every role not listed; undefined means none. */
  readonly roleConcurrencyDefault: number | undefined;
  /** `SLUICE_POOL_SATURATION_WARN_MS`: a pool with requests waiting this long logs a warning. */
  readonly saturationWarnMs: number;
  /** `SLUICE_POOL_SHARED_READS`: cheap reads that may share one connection and one write (1: none). */
  readonly sharedReads: number;
}

export interface ReloadSettings {
  /** `SLUICE_RELOAD_LISTEN`: false polls only (behind a transaction pooler LISTEN hears nothing). */
  readonly listen: boolean;
  /** `SLUICE_RELOAD_POLL_INTERVAL_MS`: polling period when not listening. */
  readonly pollIntervalMs: number;
}

export interface EventSettings {
  /** `SLUICE_EVENT_DELIVERY`: false runs no delivery worker on this instance (capture still happens). */
  readonly delivery: boolean;
  /** `SLUICE_EVENT_RETENTION_HOURS`: delivered events older than this are deleted. */
  readonly retentionHours: number;
  /** `SLUICE_EVENT_POLL_INTERVAL_MS` (Hasura's `HASURA_GRAPHQL_EVENTS_FETCH_INTERVAL`). */
  readonly pollIntervalMs: number;
  /** `SLUICE_EVENT_BATCH_SIZE` (Hasura's `HASURA_GRAPHQL_EVENTS_FETCH_BATCH_SIZE`). */
  readonly batchSize: number;
  /** `SLUICE_EVENT_HTTP_CONCURRENCY` (Hasura's `HASURA_GRAPHQL_EVENTS_HTTP_POOL_SIZE`). */
  readonly httpConcurrency: number;
  /** `SLUICE_EVENT_LISTEN`: false polls only. */
  readonly listen: boolean;
  /** `SLUICE_EVENT_LOCK_TIMEOUT_SEC`: a claim older than this is a crashed worker's (Hasura's 30 min). */
  readonly lockTimeoutSec: number;
}
