/**
 * Keeps the Postgres capture triggers in line with the metadata a gateway serves, whatever changed
 * the metadata or the database: a document written by `sluice metadata apply` or restored with the
 * database, a table dropped and created again by a migration (its triggers went with it), or a
 * new Sluice version whose capture SQL differs (the hash in each function's comment changes).
 * The metadata API and `sluice metadata apply` already sync in the transaction that saves the
 * document; this covers everything else.
 *
 * Each time the gateway's schema state changes (the first load at startup, then every reload that
 * rebuilt it), one read-only catalog query compares the installed objects with the state's
 * metadata. Only when they differ does it sync, against the document stored in the database
 * (`syncStoredEventTriggers`: `FOR SHARE` on the metadata row, then the sync's advisory lock), so
 * instances starting together take turns and the later ones find nothing left to do. A failure
 * (a read-only standby, a table dropped meanwhile) is logged and tried again at the next change.
 */
import type pg from 'pg';
import type { Logger } from 'pino';
import type { DatabaseModel } from '../../../schema/model/database-model.js';
import type { Metadata } from '../../../schema/metadata/metadata.js';
import { eventTriggersInSync, syncStoredEventTriggers, type SyncResult } from './sync-event-triggers.js';

/** The part of a gateway's schema state read here (createGateway passes `registry.current()`). */
export interface SyncState {
  readonly model: Pick<DatabaseModel, 'tables'>;
  readonly resolved: { readonly metadata: Metadata };
}

export interface EventTriggerSyncOptions {
  readonly pool: pg.Pool;
  /** The state being served; a new object means metadata or the database changed. */
  readonly getState: () => SyncState | undefined;
  readonly logger: Logger;
  /** How often the state is looked at (1 s); it costs nothing while the state is the same. */
  readonly intervalMs?: number;
}

export interface EventTriggerSync {
  /** Checks now (and syncs if needed); resolves with what changed, undefined when nothing had to. */
  check(): Promise<SyncResult | undefined>;
  stop(): Promise<void>;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

export function startEventTriggerSync(options: EventTriggerSyncOptions): EventTriggerSync {
  const logger = options.logger.child({ component: 'event-trigger-sync' });
  let seen: SyncState | undefined;
  let running: Promise<SyncResult | undefined> | undefined;
  let stopped = false;

  const run = async (state: SyncState): Promise<SyncResult | undefined> => {
    if (await eventTriggersInSync(options.pool, state.resolved.metadata, state.model)) return undefined;
    const result = await syncStoredEventTriggers(options.pool, state.model);
    if (result.installed.length > 0 || result.removed.length > 0 || result.archivedEvents > 0) {
      logger.info({ installed: result.installed, removed: result.removed, archivedEvents: result.archivedEvents }, 'event triggers synced with metadata');
    }
    return result;
  };

  const check = (): Promise<SyncResult | undefined> => {
    if (running) return running;
    const state = options.getState();
    if (!state || stopped) return Promise.resolve(undefined);
    seen = state;
    running = run(state)
      .catch((error: unknown) => {
        // Forget the state so that the next change (or the next check) tries again.
        seen = undefined;
        logger.warn({ err: { message: messageOf(error) } }, 'could not sync the event triggers with metadata');
        return undefined;
      })
      .finally(() => (running = undefined));
    return running;
  };

  const timer = setInterval(() => {
    const state = options.getState();
    if (state !== undefined && state !== seen) void check();
  }, options.intervalMs ?? 1000);
  timer.unref();
  void check();

  return {
    check,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
