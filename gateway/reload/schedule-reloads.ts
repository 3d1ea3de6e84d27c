import type { Logger } from 'pino';

export interface ReloadScheduler {
  /** Asks for a reload soon; requests within one debounce window share it. */
  request(reason: string): void;
  /** Cancels a pending request and waits for a reload this scheduler started. */
  stop(): Promise<void>;
}

/**
 * Turns a burst of change notifications (a migration of 50 statements sends up to 50) into one
 * reload: the first request opens a window of `debounceMs`, and everything that arrives in it
 * rides along. The window is not extended by later requests, so a steady stream of changes
 * still reloads every `debounceMs` instead of never. Overlap with a reload still running is the
 * registry's business (it runs at most one more after the current one).
 *
 * A reload that fails (the pool saturated or the database away for a moment) is retried after
 * `retryMs`, doubling up to 30 s while it keeps failing: otherwise the gateway would serve the
 * previous schema, and `/healthz` report it, until some unrelated change came along.
 */
export function scheduleReloads(reload: () => Promise<void>, debounceMs: number, logger: Logger, retryMs = 1000): ReloadScheduler {
  let timer: NodeJS.Timeout | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  let failures = 0;
  let openedAt = 0;
  let reasons = new Set<string>();
  let inFlight: Promise<void> | undefined;
  let stopped = false;

  const fire = (): void => {
    timer = undefined;
    const since = openedAt;
    const why = [...reasons];
    reasons = new Set();
    const running = reload().then(
      () => {
        failures = 0;
        logger.info({ reasons: why, latencyMs: Math.round(performance.now() - since) }, 'schema reloaded after a change');
      },
      (error: unknown) => {
        failures++;
        const retryInMs = Math.min(30_000, retryMs * 2 ** (failures - 1));
        logger.warn(
          { reasons: why, retryInMs, err: { message: error instanceof Error ? error.message : String(error) } },
          'reload after a change failed; serving the previous schema',
        );
        if (stopped || retryTimer) return;
        retryTimer = setTimeout(() => {
          retryTimer = undefined;
          request('retry after a failed reload');
        }, retryInMs);
        retryTimer.unref();
      },
    );
    inFlight = running;
    void running.finally(() => {
      if (inFlight === running) inFlight = undefined;
    });
  };

  function request(reason: string): void {
    if (stopped) return;
    reasons.add(reason);
    if (timer) return;
    openedAt = performance.now();
    timer = setTimeout(fire, debounceMs);
  }

  return {
    request,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      clearTimeout(retryTimer);
      timer = undefined;
      retryTimer = undefined;
      await inFlight;
    },
  };
}
