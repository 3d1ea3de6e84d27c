/**
 * The worker's one connection outside the pool: `LISTEN sluice_events` (sent by
 * `sluice.capture_event` on every captured change), so delivery starts milliseconds after the
 * writer commits. Reconnects with doubling backoff; every (re)connect calls `onNotify` once,
 * because notifications sent while the connection was down are lost. A heartbeat every
 * `heartbeatMs` notices a silently dead connection. The worker also polls, so a missed
 * notification costs at most the poll interval.
 *
 * The same session carries the worker's liveness lease (worker-lease.ts): `onSession` runs after
 * LISTEN and after every heartbeat, `onSessionEnd` when the session is gone.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type pg from 'pg';
import type { Logger } from 'pino';

export const eventsChannel = 'sluice_events';

export interface EventsListenerOptions {
  readonly connect: () => pg.Client;
  readonly logger: Logger;
  readonly onNotify: (triggerName: string | undefined) => void;
  readonly backoff: { readonly initialMs: number; readonly maxMs: number };
  readonly heartbeatMs?: number;
  /** Runs on the session after LISTEN and after each heartbeat; must not throw. */
  readonly onSession?: (client: pg.Client) => Promise<void>;
  /** The session ended (lost or stopped). */
  readonly onSessionEnd?: () => void;
}

export interface EventsListener {
  stop(): Promise<void>;
}

export function listenForEvents(options: EventsListenerOptions): EventsListener {
  const abort = new AbortController();
  let current: pg.Client | undefined;
  const heartbeatMs = options.heartbeatMs ?? 30_000;

  /** Set once LISTEN succeeded, so a connection that worked resets the backoff. */
  let listening = false;
  const session = async (client: pg.Client, lost: Promise<never>): Promise<void> => {
    await Promise.race([client.connect(), lost]);
    client.on('notification', (message) => {
      if (message.channel === eventsChannel) options.onNotify(message.payload);
    });
    await Promise.race([client.query(`LISTEN ${eventsChannel}`), lost]);
    listening = true;
    options.logger.debug({ channel: eventsChannel }, 'event delivery listening');
    await Promise.race([options.onSession?.(client), lost]);
    options.onNotify(undefined);
    while (!abort.signal.aborted) {
      await Promise.race([delay(heartbeatMs, undefined, { signal: abort.signal }), lost]);
      await Promise.race([client.query('SELECT 1'), lost]);
      await Promise.race([options.onSession?.(client), lost]);
    }
  };

  const run = async (): Promise<void> => {
    let failures = 0;
    while (!abort.signal.aborted) {
      const client = options.connect();
      current = client;
      const lost = new Promise<never>((_resolve, reject) => {
        client.on('error', reject);
        client.on('end', () => reject(new Error('connection closed')));
      });
      lost.catch(() => undefined);
      listening = false;
      try {
        await session(client, lost);
      } catch (error) {
        if (abort.signal.aborted) break;
        failures = listening ? 1 : failures + 1;
        options.logger.warn({ err: { message: error instanceof Error ? error.message : String(error) }, attempt: failures }, 'event listener connection failed; reconnecting');
      } finally {
        options.onSessionEnd?.();
        await client.end().catch(() => undefined);
      }
      const wait = Math.min(options.backoff.maxMs, options.backoff.initialMs * 2 ** Math.max(0, failures - 1));
      await delay(wait, undefined, { signal: abort.signal }).catch(() => undefined);
    }
  };

  const running = run();
  return {
    async stop() {
      abort.abort();
      await current?.end().catch(() => undefined);
      await running;
    },
  };
}
