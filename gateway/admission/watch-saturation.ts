import type pg from 'pg';
import type { Logger } from 'pino';
import type { Admission } from './create-admission.js';

export interface SaturationWatchOptions {
  readonly admission: Admission;
  readonly pool: pg.Pool;
  readonly logger: Logger;
  /** `SLUICE_POOL_SATURATION_WARN_MS`: how long requests must keep waiting before the warning. */
  readonly warnAfterMs: number;
}

export interface SaturationWatch {
  stop(): void;
}

/**
 * Logs one warning when the pool stays saturated — some request had to wait for a connection in
 * every check for `warnAfterMs` — and one info line when it recovers (a whole check interval
 * without waiting). One line per episode, however long it lasts, so the log cannot flood.
 */
export function watchSaturation(options: SaturationWatchOptions): SaturationWatch {
  const { admission, pool, logger, warnAfterMs } = options;
  const intervalMs = Math.min(1000, Math.max(50, Math.floor(warnAfterMs / 4)));
  let since: number | undefined;
  let warned = false;
  let timeoutsAtWarning = 0;
  const timer = setInterval(() => {
    const now = Date.now();
    if (admission.takeWaitedForPool()) {
      since ??= now - intervalMs;
      if (!warned && now - since >= warnAfterMs) {
        warned = true;
        timeoutsAtWarning = admission.counters().timeouts;
        logger.warn(
          { saturatedForMs: now - since, size: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount, timeouts: timeoutsAtWarning },
          'connection pool saturated: requests keep waiting for a connection',
        );
      }
      return;
    }
    if (warned) {
      logger.info(
        { saturatedForMs: now - (since ?? now), timeoutsSinceWarning: admission.counters().timeouts - timeoutsAtWarning },
        'connection pool no longer saturated',
      );
    }
    since = undefined;
    warned = false;
  }, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
