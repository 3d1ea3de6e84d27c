/**
 * The event delivery worker (issue 6, item 3): claims due events, delivers them, records every
 * attempt. Wakes on `NOTIFY sluice_events` and polls every `pollIntervalMs` as a fallback;
 * deletes expired delivered events every `cleanupIntervalMs`.
 *
 * Any number of instances share the queue (see claim-events.ts): an event is claimed by one
 * instance at a time, so an attempt is made once; delivery as a whole is at-least-once. A killed
 * instance's events are released as soon as another instance sees its lease gone (worker-lease.ts:
 * at that instance's start and every `reclaimIntervalMs`), otherwise after `lockTimeoutSec`.
 * Webhooks de-duplicate by the `Idempotency-Key` header (the event id).
 *
 * Memory: at most `httpConcurrency` requests and about `maxInFlightBytes` of event data at once
 * (claims stop at the budget, but always take one event), so huge rows cannot exhaust the heap.
 *
 * `stop()`: no more claims; waits up to `stopTimeoutMs` for requests in flight, then aborts them
 * (logged as interrupted, not counted as a try); releases the events claimed but not attempted;
 * only then gives up its lease.
 */
import { setMaxListeners } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import pg from 'pg';
import { tableKey } from '../../../schema/model/database-model.js';
import { claimEvents, releaseEvents, type ClaimedEvent } from './claim-events.js';
import { deleteExpiredEvents } from './delete-expired-events.js';
import { deliverEvent, type DeliverContext } from './deliver-event.js';
import { defaultTuning, type DeliverySchema, type DeliveryWorkerOptions } from './delivery-options.js';
import { createEnrichLoader, type EnrichLoader } from './enrich-events.js';
import { readEventTriggers, type EventTriggerConf } from './event-triggers.js';
import { listenForEvents, type EventsListener } from './listen-for-events.js';
import { createWorkerLease, reclaimDeadWorkers, type WorkerLease } from './worker-lease.js';

export interface DeliveryWorker {
  /** Starts a claim round now (tests; notifications do the same). */
  wake(): void;
  stop(): Promise<void>;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

export function startDeliveryWorker(options: DeliveryWorkerOptions): DeliveryWorker {
  const tuning = { ...defaultTuning, ...options.options };
  const { pool, logger: parentLogger, instanceId } = options;
  const logger = parentLogger.child({ component: 'event-delivery', instanceId });
  const stopController = new AbortController();
  // Every request in flight listens for the stop (post-webhook.ts): more than Node's default 10.
  setMaxListeners(tuning.httpConcurrency + 10, stopController.signal);
  const context: DeliverContext = {
    pool,
    instanceId,
    fetch: options.fetch ?? globalThis.fetch,
    env: options.env ?? process.env,
    maxRetryDelaySec: tuning.maxRetryDelaySec,
    stop: stopController.signal,
  };
  const active = new Set<Promise<void>>();
  /** Claimed by this instance and not attempted yet: released on stop. */
  const unstarted = new Set<string>();
  const timers = new Set<NodeJS.Timeout>();
  let stopping = false;
  let pumping: Promise<void> | undefined;
  let again = false;
  let listener: EventsListener | undefined;
  let lastClaimError = 0;
  /** Stored bytes of the events claimed and not finished (see maxInFlightBytes). */
  let inFlightBytes = 0;

  let schemaSeen: DeliverySchema | undefined;
  let triggers: ReadonlyMap<string, EventTriggerConf> = new Map();
  /** Trigger configuration follows metadata reloads; parsed once per schema. */
  const currentTriggers = (): ReadonlyMap<string, EventTriggerConf> => {
    const schema = options.getSchema();
    if (schema !== schemaSeen) {
      schemaSeen = schema;
      triggers = schema ? readEventTriggers(schema.metadata) : new Map();
    }
    return triggers;
  };

  const connect =
    options.connect ??
    (options.databaseUrl === undefined
      ? undefined
      : () => new pg.Client({ connectionString: options.databaseUrl, application_name: 'sluice-events', keepAlive: true, connectionTimeoutMillis: 10_000 }));

  /** The liveness lease rides on the LISTEN session; without one (polling only) there is none. */
  const lease: WorkerLease | undefined = tuning.listen && connect ? createWorkerLease(pool, instanceId) : undefined;
  let lastLeaseError = 0;

  let reclaiming: Promise<void> | undefined;
  /** Releases the events of instances whose lease is gone, then claims (they may be ours to take). */
  const reclaim = (): void => {
    if (reclaiming || stopping || currentTriggers().size === 0) return;
    reclaiming = reclaimDeadWorkers(pool, instanceId)
      .then((released) => {
        if (released === 0) return;
        logger.info({ released }, 'released the events of a delivery worker that is gone');
        wake();
      })
      .catch((error: unknown) => {
        if (Date.now() - lastClaimError > 60_000) logger.warn({ err: { message: messageOf(error) } }, 'could not check for gone delivery workers');
        lastClaimError = Date.now();
      })
      .finally(() => (reclaiming = undefined));
  };

  /** One LISTEN connection, opened once there is a trigger to deliver for; it holds the lease. */
  const ensureListener = (): void => {
    if (listener || stopping || !tuning.listen || !connect || currentTriggers().size === 0) return;
    listener = listenForEvents({
      connect,
      logger,
      backoff: tuning.backoff,
      onNotify: () => wake(),
      onSession: async (client) => {
        if (!lease || lease.held()) return;
        try {
          await lease.ensure(client);
        } catch (error) {
          if (Date.now() - lastLeaseError > 60_000) logger.warn({ err: { message: messageOf(error) } }, 'could not take the delivery lease; locks expire by timeout only');
          lastLeaseError = Date.now();
        }
        if (lease.held()) reclaim();
      },
      onSessionEnd: () => lease?.lost(),
    });
  };

  const enrichLoaders = (events: readonly ClaimedEvent[], byName: ReadonlyMap<string, EventTriggerConf>): Map<string, EnrichLoader> => {
    const loaders = new Map<string, EnrichLoader>();
    const schema = schemaSeen;
    for (const event of events) {
      const trigger = byName.get(event.triggerName);
      if (!trigger?.enrich || loaders.has(trigger.name) || !options.graphql || !schema) continue;
      const table = schema.tablesByKey.get(tableKey(trigger.table));
      if (table) loaders.set(trigger.name, createEnrichLoader(options.graphql, table, trigger.enrich));
    }
    return loaders;
  };

  const enrichmentOf = async (event: ClaimedEvent, trigger: EventTriggerConf, loaders: Map<string, EnrichLoader>) => {
    if (!trigger.enrich) return { value: undefined };
    const loader = loaders.get(trigger.name);
    if (!loader) return { error: options.graphql ? `table ${trigger.table.schema}.${trigger.table.name} is not in the schema` : 'no GraphQL executor given to the worker' };
    try {
      return { value: await loader.load(event) };
    } catch (error) {
      return { error: messageOf(error) };
    }
  };

  const runOne = async (event: ClaimedEvent, trigger: EventTriggerConf, loaders: Map<string, EnrichLoader>): Promise<void> => {
    const enrichment = await enrichmentOf(event, trigger, loaders);
    if (stopping) return; // left in `unstarted`, released by stop()
    unstarted.delete(event.id);
    try {
      const record = await deliverEvent(context, event, trigger, enrichment);
      if (record.next.kind === 'retry' && record.next.delaySec * 1000 < tuning.pollIntervalMs) {
        const timer = setTimeout(() => (timers.delete(timer), wake()), record.next.delaySec * 1000 + 5);
        timers.add(timer);
      }
    } catch (error) {
      // The outcome could not be recorded: the lock goes stale and the event is tried again.
      logger.error({ err: { message: messageOf(error) }, eventId: event.id }, 'could not record an event delivery attempt');
    }
  };

  const dispatch = (events: readonly ClaimedEvent[], byName: ReadonlyMap<string, EventTriggerConf>): void => {
    const loaders = enrichLoaders(events, byName);
    for (const event of events) {
      const trigger = byName.get(event.triggerName);
      if (!trigger) continue;
      unstarted.add(event.id);
      inFlightBytes += event.size;
      const run: Promise<void> = runOne(event, trigger, loaders).finally(() => {
        inFlightBytes -= event.size;
        active.delete(run);
        wake();
      });
      active.add(run);
    }
  };

  const claimRound = async (): Promise<void> => {
    while (!stopping) {
      const room = tuning.httpConcurrency - active.size;
      const byName = currentTriggers();
      if (room <= 0 || byName.size === 0) return;
      // With nothing in flight one event is always claimed, however big.
      const byteBudget = active.size === 0 ? Math.max(1, tuning.maxInFlightBytes) : tuning.maxInFlightBytes - inFlightBytes;
      if (byteBudget <= 0) return;
      const limit = Math.min(tuning.batchSize, room);
      let events: ClaimedEvent[];
      try {
        // A lease just lost must be withdrawn first: claims under it could be released at once.
        await lease?.ready();
        events = await claimEvents(pool, { instanceId, triggers: [...byName.values()], limit, lockTimeoutSec: tuning.lockTimeoutSec, byteBudget });
      } catch (error) {
        // A read-only standby or a lost connection: say so once a minute, keep polling.
        if (Date.now() - lastClaimError > 60_000) logger.warn({ err: { message: messageOf(error) } }, 'could not claim events');
        lastClaimError = Date.now();
        return;
      }
      if (stopping) {
        await releaseEvents(pool, instanceId, events.map((e) => e.id)).catch(() => undefined);
        return;
      }
      dispatch(events, byName);
      if (events.length < limit) return;
    }
  };

  function wake(): void {
    if (stopping) return;
    if (pumping) {
      again = true;
      return;
    }
    pumping = (async () => {
      do {
        again = false;
        await claimRound();
      } while (again && !stopping);
    })().finally(() => (pumping = undefined));
  }

  const poll = setInterval(() => {
    ensureListener();
    wake();
  }, tuning.pollIntervalMs);
  const reclaimTimer = tuning.reclaimIntervalMs > 0 ? setInterval(reclaim, tuning.reclaimIntervalMs) : undefined;

  let cleaning: Promise<void> | undefined;
  /** Skipped while no trigger is defined: a gateway without events touches no event table. */
  const cleanUp = (): void => {
    if (cleaning || stopping || currentTriggers().size === 0) return;
    cleaning = deleteExpiredEvents(pool, tuning.retentionHours)
      .then((deleted) => {
        if (deleted > 0) logger.info({ deleted, retentionHours: tuning.retentionHours }, 'deleted expired delivered events');
      })
      .catch((error: unknown) => logger.warn({ err: { message: messageOf(error) } }, 'event retention cleanup failed'))
      .finally(() => (cleaning = undefined));
  };
  const cleanup = tuning.cleanupIntervalMs > 0 ? setInterval(cleanUp, tuning.cleanupIntervalMs) : undefined;
  if (cleanup) cleanUp();
  ensureListener();
  wake();

  return {
    wake,
    async stop() {
      if (stopping) return;
      stopping = true;
      clearInterval(poll);
      if (reclaimTimer) clearInterval(reclaimTimer);
      if (cleanup) clearInterval(cleanup);
      for (const timer of timers) clearTimeout(timer);
      await pumping;
      await reclaiming;
      const settled = Promise.allSettled([...active]);
      const timedOut = await Promise.race([settled.then(() => false), delay(tuning.stopTimeoutMs, true)]);
      if (timedOut) {
        logger.warn({ inFlight: active.size }, 'event deliveries still running at shutdown; aborting them');
        stopController.abort();
        await Promise.allSettled([...active]);
      }
      await releaseEvents(pool, instanceId, [...unstarted]).catch((error: unknown) =>
        logger.warn({ err: { message: messageOf(error) } }, 'could not release claimed events at shutdown'),
      );
      unstarted.clear();
      await cleaning;
      // Last: while requests ran, the lease kept other instances from taking over their events.
      await listener?.stop();
      await lease?.release().catch((error: unknown) => logger.warn({ err: { message: messageOf(error) } }, 'could not withdraw the delivery lease at shutdown'));
    },
  };
}
