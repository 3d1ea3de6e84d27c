/**
 * What every benchmark entry point (`run.ts`, `burst.ts`, `soak.ts`) needs around its work:
 * everything it starts is stopped at the end, in reverse order, also on an error, on Ctrl-C or
 * SIGTERM, or when the overall deadline passes; something still starting when the run is aborted
 * is waited for, so that it gets stopped too. The temporary Postgres directory is removed last.
 */
import { rm } from 'node:fs/promises';

export interface BenchSession {
  /** Awaits `starting` and registers `stop` for what it started. */
  start<T>(starting: Promise<T>, stop: (started: T) => Promise<void>): Promise<T>;
  /** Runs `main`, then stops everything; a failure sets exit code 1 and is printed to stderr. */
  run(main: () => Promise<void>): Promise<void>;
}

export function createBenchSession(name: string, deadlineMs: number, dataDir: string): BenchSession {
  const stops: Array<() => Promise<void>> = [];
  let pending: Promise<unknown> | undefined;

  async function cleanup(): Promise<void> {
    while (stops.length > 0) {
      await stops.pop()!().catch((error: unknown) => process.stderr.write(`${name}: stopping failed: ${String(error)}\n`));
    }
    // Also when Postgres never finished starting (it is stopped by then: see `abort`).
    await rm(dataDir, { recursive: true, force: true }).catch(() => undefined);
  }

  function abort(reason: string, code: number): void {
    process.stderr.write(`${name}: ${reason}; cleaning up\n`);
    const force = setTimeout(() => process.exit(code), 20_000);
    force.unref();
    void (pending ?? Promise.resolve())
      .catch(() => undefined)
      .then(cleanup)
      .finally(() => process.exit(code));
  }

  return {
    async start(starting, stop) {
      pending = starting;
      try {
        const started = await starting;
        stops.push(() => stop(started));
        return started;
      } finally {
        pending = undefined;
      }
    },
    async run(main) {
      setTimeout(() => abort(`not finished after ${Math.round(deadlineMs / 1000)} s`, 2), deadlineMs).unref();
      process.once('SIGINT', () => abort('interrupted', 130));
      process.once('SIGTERM', () => abort('terminated', 143));
      try {
        await main();
      } catch (error) {
        process.exitCode = 1;
        process.stderr.write(`${name} failed: ${error instanceof Error ? error.message : String(error)}\n`);
      } finally {
        await cleanup();
      }
    },
  };
}
