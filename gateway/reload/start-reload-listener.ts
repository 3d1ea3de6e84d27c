/**
 * Live reload on every instance (issue 5, items 4 and 5). One dedicated connection per gateway —
 * the one connection Sluice holds outside its pool, because a LISTEN lives as long as its session
 * and a pooled connection is handed to other requests — waits for `NOTIFY sluice_metadata` (a
 * metadata save on any instance) and `NOTIFY sluice_ddl` (DDL, from the catalog's event trigger)
 * and reloads the schema registry.
 *
 * What cannot be notified is polled on the same connection: the metadata's resource version when
 * LISTEN is refused (a hot standby, a transaction-pooling proxy), and a catalog fingerprint when
 * the event trigger is missing (no superuser). Notifications sent while the connection was down
 * are lost, so every (re)connect is followed by one reload.
 */
import { setTimeout as delay } from 'node:timers/promises';
import pg from 'pg';
import type { Logger } from 'pino';
import { metadataChannel } from '../metadata/metadata-store.js';
import { readCatalogFingerprint, readMetadataVersion } from './catalog-fingerprint.js';
import { readDdlNotify } from './read-ddl-notify.js';
import { scheduleReloads } from './schedule-reloads.js';

/** Sent by `sluice.notify_ddl()` (migrations/catalog/0002_ddl_notify.sql); the payload is the command tag. */
export const ddlChannel = 'sluice_ddl';

export interface ReloadListenerOptions {
  /** The same database the pool serves; the listener opens its own connection to it. */
  readonly databaseUrl: string;
  /** Concurrent calls must be safe; `SchemaRegistry.reload` coalesces them. */
  readonly registry: { reload(): Promise<void> };
  readonly logger: Logger;
  /** Notifications within this window share one reload (default 100 ms). */
  readonly debounceMs?: number;
  /** How often to poll what cannot be notified (default 5 s). */
  readonly pollIntervalMs?: number;
  /** How often an idle listening connection is checked with `SELECT 1` (default 30 s). */
  readonly heartbeatMs?: number;
  /**
   * False to poll instead of LISTEN (default true): behind a transaction-pooling proxy such as
   * PgBouncer, LISTEN succeeds but notifications never arrive. Where LISTEN fails outright (a hot
   * standby) the listener polls on its own.
   */
  readonly listen?: boolean;
  /** Reconnect delays: doubling from `initialMs` up to `maxMs` (default 250 ms … 30 s). */
  readonly backoff?: { readonly initialMs: number; readonly maxMs: number };
}

export interface ReloadListenerStatus {
  readonly connected: boolean;
  /** How metadata changes of other instances arrive. */
  readonly metadata: 'notify' | 'poll';
  /** How DDL arrives. */
  readonly ddl: 'notify' | 'poll';
}

export interface ReloadListener {
  /** Resolves after the first connection attempt, whether it succeeded or not; never rejects. */
  readonly started: Promise<void>;
  status(): ReloadListenerStatus;
  /** Closes the connection and waits for a reload it started. */
  stop(): Promise<void>;
}

interface Snapshot {
  readonly metadataVersion?: number | undefined;
  readonly catalog?: string | undefined;
}

/** `work`, unless the connection is lost first; `work` failing later is then not an unhandled rejection. */
function orLost<T>(work: Promise<T>, lost: Promise<never>): Promise<T> {
  work.catch(() => undefined);
  return Promise.race([work, lost]);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function startReloadListener(options: ReloadListenerOptions): ReloadListener {
  const { logger } = options;
  const pollIntervalMs = options.pollIntervalMs ?? 5_000;
  const heartbeatMs = options.heartbeatMs ?? 30_000;
  const backoff = options.backoff ?? { initialMs: 250, maxMs: 30_000 };
  const scheduler = scheduleReloads(() => options.registry.reload(), options.debounceMs ?? 100, logger);
  const abort = new AbortController();
  let status: ReloadListenerStatus = { connected: false, metadata: 'notify', ddl: 'notify' };
  let announced: string | undefined;
  let current: pg.Client | undefined;
  let markStarted!: () => void;
  const started = new Promise<void>((resolve) => (markStarted = resolve));

  /** Says once (and again when it changes) what is notified and what is polled. */
  const announce = (next: ReloadListenerStatus, listenError: string | undefined, ddlDetail: string | null): void => {
    const key = `${next.metadata}/${next.ddl}`;
    if (key === announced) return;
    announced = key;
    const seconds = pollIntervalMs / 1000;
    if (next.metadata === 'poll') {
      logger.warn({ reason: listenError }, `LISTEN unavailable; polling sluice.metadata and the catalog every ${seconds} s for changes`);
    } else if (next.ddl === 'poll') {
      logger.warn({ reason: ddlDetail }, `DDL auto-reload unavailable (needs superuser); falling back to polling the catalog every ${seconds} s`);
    } else {
      logger.info({ channels: [metadataChannel, ddlChannel] }, 'listening for metadata and schema changes');
    }
  };

  const readSnapshot = async (client: pg.Client, mode: ReloadListenerStatus): Promise<Snapshot> => {
    if (mode.metadata === 'notify' && mode.ddl === 'notify') {
      await client.query('SELECT 1');
      return {};
    }
    return {
      metadataVersion: mode.metadata === 'poll' ? await readMetadataVersion(client) : undefined,
      catalog: mode.ddl === 'poll' ? await readCatalogFingerprint(client) : undefined,
    };
  };

  /** LISTENs (or finds it cannot) and decides what to poll. */
  const setUp = async (client: pg.Client): Promise<ReloadListenerStatus> => {
    let listenError: string | undefined;
    if (options.listen === false) {
      listenError = 'turned off in the gateway options';
    } else {
      try {
        await client.query(`LISTEN ${metadataChannel}`);
        await client.query(`LISTEN ${ddlChannel}`);
      } catch (error) {
        listenError = messageOf(error);
      }
    }
    const ddl = await readDdlNotify(client);
    const mode: ReloadListenerStatus = {
      connected: true,
      metadata: listenError === undefined ? 'notify' : 'poll',
      ddl: listenError === undefined && ddl.available ? 'notify' : 'poll',
    };
    announce(mode, listenError, ddl.detail);
    return mode;
  };

  /** Polls (or just checks the connection) until the connection fails or the listener stops. */
  const watch = async (client: pg.Client, mode: ReloadListenerStatus, lost: Promise<never>): Promise<void> => {
    const polling = mode.metadata === 'poll' || mode.ddl === 'poll';
    let last = await orLost(readSnapshot(client, mode), lost);
    while (!abort.signal.aborted) {
      await orLost(delay(polling ? pollIntervalMs : heartbeatMs, undefined, { signal: abort.signal }), lost);
      const next = await orLost(readSnapshot(client, mode), lost);
      if (next.metadataVersion !== last.metadataVersion) scheduler.request('metadata version changed (polled)');
      if (next.catalog !== last.catalog) scheduler.request('catalog changed (polled)');
      last = next;
    }
  };

  const connectOnce = async (client: pg.Client, lost: Promise<never>, first: boolean): Promise<void> => {
    await orLost(client.connect(), lost);
    client.on('notification', (message) => {
      if (message.channel === metadataChannel) scheduler.request('metadata notification');
      else if (message.channel === ddlChannel) scheduler.request(`DDL notification (${message.payload ?? ''})`);
    });
    const mode = await orLost(setUp(client), lost);
    status = mode;
    // Changes made before LISTEN took effect (at startup: while the first load ran) were not
    // notified; one reload catches up, and costs only an introspection if nothing changed.
    scheduler.request(first ? 'listener started' : 'reconnected');
    markStarted();
    await watch(client, mode, lost);
  };

  const run = async (): Promise<void> => {
    let failures = 0;
    let first = true;
    while (!abort.signal.aborted) {
      const client = new pg.Client({
        connectionString: options.databaseUrl,
        application_name: 'sluice-reload',
        keepAlive: true,
        connectionTimeoutMillis: 10_000,
      });
      current = client;
      // Without an 'error' listener a dropped idle connection would crash the process.
      const lost = new Promise<never>((_resolve, reject) => {
        client.on('error', reject);
        client.on('end', () => reject(new Error('connection closed')));
      });
      lost.catch(() => undefined);
      let wasConnected = false;
      try {
        await connectOnce(client, lost, first).finally(() => (wasConnected = status.connected));
      } catch (error) {
        if (abort.signal.aborted) break;
        failures = wasConnected ? 0 : failures + 1;
        logger.warn({ err: { message: messageOf(error) }, attempt: failures }, 'reload listener connection failed; reconnecting');
      } finally {
        status = { ...status, connected: false };
        client.removeAllListeners('notification');
        await client.end().catch(() => undefined);
        markStarted();
      }
      first = false;
      const wait = Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.max(0, failures - 1));
      await delay(wait, undefined, { signal: abort.signal }).catch(() => undefined);
    }
  };

  const running = run().catch((error: unknown) => logger.error({ err: { message: messageOf(error) } }, 'reload listener stopped unexpectedly'));

  return {
    started,
    status: () => status,
    async stop() {
      abort.abort();
      // Also interrupts a connection attempt, which the abort signal does not reach.
      await current?.end().catch(() => undefined);
      await running;
      await scheduler.stop();
    },
  };
}
