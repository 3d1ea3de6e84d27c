/**
 * A database that exists only for one `sluice test` run: a new database on a server given by
 * URL (dropped afterwards), or an embedded Postgres in a temporary folder (stopped and deleted).
 */
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Logger } from 'pino';
import { startEmbeddedPostgres } from '../database/start-embedded-postgres.js';

export interface DisposableDatabase {
  readonly url: string;
  /** Where it runs, for the report (no password). */
  readonly description: string;
  drop(): Promise<void>;
}

async function onServer(serverUrl: string): Promise<DisposableDatabase> {
  // Generated here, never taken from input: safe to put into the DDL as an identifier.
  const name = `sluice_test_${randomBytes(6).toString('hex')}`;
  const run = async (sql: string): Promise<void> => {
    const client = new pg.Client({ connectionString: serverUrl, application_name: 'sluice-test' });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await run(`CREATE DATABASE "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    description: `temporary database ${name} on ${url.host}`,
    drop: () => run(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}

async function embedded(logger: Logger): Promise<DisposableDatabase> {
  const dataDir = join(tmpdir(), `sluice-test-${randomBytes(6).toString('hex')}`);
  const server = await startEmbeddedPostgres({ dataDir, persistent: false, logger });
  return {
    url: server.url,
    description: 'an embedded Postgres',
    async drop() {
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** `serverUrl` (TEST_DATABASE_URL or DATABASE_URL) when given, else an embedded Postgres. */
export function createDisposableDatabase(serverUrl: string | undefined, logger: Logger): Promise<DisposableDatabase> {
  return serverUrl ? onServer(serverUrl) : embedded(logger);
}
