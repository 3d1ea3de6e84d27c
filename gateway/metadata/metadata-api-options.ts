import type pg from 'pg';
import type { Logger } from 'pino';
import type { DatabaseModel } from '../../schema/model/database-model.js';
import type { MetadataStore } from './metadata-store.js';
import type { Admission } from '../admission/index.js';

export interface MetadataApiOptions {
  /** The gateway's pool; read-only by default, so writes open `BEGIN READ WRITE` themselves. */
  readonly pool: pg.Pool;
  readonly store: MetadataStore;
  /** A fresh model of the live database. */
  readonly introspect: () => Promise<DatabaseModel>;
  /** Rebuilds the gateway's schema; awaited, so a change is in effect for the next request. */
  readonly reload: () => Promise<void>;
  readonly logger: Logger;
  /**
   * With auto-track, tables of these schemas are exposed without a metadata entry; an operation
   * that configures such a table (a permission, a relationship, …) first gives it one.
   */
  readonly autoTrackSchemas?: readonly string[] | undefined;
  /** The gateway's admission: an admin request waits for a slot like any other, boundedly. */
  readonly admission?: Admission | undefined;
  /** The delivery workers' lock timeout (`SLUICE_EVENT_LOCK_TIMEOUT_SEC`, default 1800 as Hasura). */
  readonly eventLockTimeoutSec?: number | undefined;
}

/** What the HTTP layer sends back: a status and a JSON body. */
export interface ApiResponse {
  readonly status: number;
  readonly body: unknown;
  /** Extra response headers (`Retry-After` on a 503). */
  readonly headers?: Readonly<Record<string, string>> | undefined;
}
