/**
 * What the delivery worker is given. The entry point (createGateway) builds it; nothing here reads
 * the environment except header and webhook values (`env`, default `process.env`).
 */
import type pg from 'pg';
import type { Logger } from 'pino';
import type { ResolvedSchema } from '../../../schema/resolve/resolved-schema.js';
import type { GraphQLExecutor } from './enrich-events.js';

/** The part of the gateway's resolved schema the worker reads: triggers, and tables for `enrich`. */
export type DeliverySchema = Pick<ResolvedSchema, 'metadata' | 'tablesByKey'>;

export interface DeliveryTuning {
  /** Events claimed per claim statement (Hasura's FETCH_BATCH_SIZE, 100). */
  readonly batchSize?: number;
  /** Requests this instance runs at once, all triggers together (Hasura's HTTP_POOL_SIZE, 100). */
  readonly httpConcurrency?: number;
  /** Fallback polling when no notification comes (Hasura's FETCH_INTERVAL, 1000 ms). */
  readonly pollIntervalMs?: number;
  /**
   * A lock older than this is a crashed worker's; its event is claimed again (30 min, as Hasura;
   * `SLUICE_EVENT_LOCK_TIMEOUT_SEC`). Locks of an instance whose lease is gone are released
   * sooner (worker-lease.ts); this is the fallback for instances without a lease.
   */
  readonly lockTimeoutSec?: number;
  /** How often registered instances are checked for a lost lease (5 s; also when the lease is taken). */
  readonly reclaimIntervalMs?: number;
  /**
   * Event data (stored bytes) this instance holds in flight at most; a claim stops there but
   * always takes one event (64 MiB). Bounds memory when rows are huge.
   */
  readonly maxInFlightBytes?: number;
  /** Cap on the exponential retry delay and on `Retry-After` (1 h). */
  readonly maxRetryDelaySec?: number;
  /** How long `stop()` waits for requests in flight before aborting them (10 s). */
  readonly stopTimeoutMs?: number;
  /** Delivered events older than this are deleted (`SLUICE_EVENT_RETENTION_HOURS`, 168). */
  readonly retentionHours?: number;
  /** How often retention runs (60 s); 0 turns it off. */
  readonly cleanupIntervalMs?: number;
  /** False: poll only (behind a transaction pooler LISTEN never hears anything). */
  readonly listen?: boolean;
  /** Reconnect delays of the LISTEN connection (250 ms doubling to 30 s). */
  readonly backoff?: { readonly initialMs: number; readonly maxMs: number };
}

export interface DeliveryWorkerOptions {
  /** The gateway's pool; writes open `BEGIN READ WRITE`. */
  readonly pool: pg.Pool;
  /** Where the LISTEN connection goes; or `connect` to open it differently. */
  readonly databaseUrl?: string;
  readonly connect?: () => pg.Client;
  /** The current schema (metadata and resolved tables); undefined while none is loaded. */
  readonly getSchema: () => DeliverySchema | undefined;
  readonly logger: Logger;
  /** Recorded in `event_log.locked_by`; unique per instance. */
  readonly instanceId: string;
  readonly fetch?: typeof fetch;
  /** Needed for triggers with `enrich`. */
  readonly graphql?: GraphQLExecutor;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly options?: DeliveryTuning;
}

export const defaultTuning: Required<DeliveryTuning> = {
  batchSize: 100,
  httpConcurrency: 100,
  pollIntervalMs: 1000,
  lockTimeoutSec: 1800,
  reclaimIntervalMs: 5000,
  maxInFlightBytes: 64 * 1024 * 1024,
  maxRetryDelaySec: 3600,
  stopTimeoutMs: 10_000,
  retentionHours: 168,
  cleanupIntervalMs: 60_000,
  listen: true,
  backoff: { initialMs: 250, maxMs: 30_000 },
};
