/**
 * Applies the SQL files under `migrations/` that the database has not seen yet. Two sets:
 * `catalog/` (Sluice's own schema, always) and `example/` (the Chinook example app, only for
 * `sluice start`). Applied files are recorded by name in `sluice.schema_migrations`.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { Logger } from 'pino';

export interface MigrationOptions {
  /** Also apply the example application (`migrations/example/`). */
  readonly example: boolean;
  /** The folder holding `catalog/` and `example/`; defaults to the repository's `migrations/`. */
  readonly directory?: string;
}

const defaultDirectory = fileURLToPath(new URL('../../migrations/', import.meta.url));

// Any constant works as long as every Sluice instance uses the same one: 'sluice' in ASCII.
// Advisory locks are per database, so instances on different databases never wait for each other.
const lockKey = '126930286814053';

async function listFiles(directory: string, set: string): Promise<{ name: string; path: string }[]> {
  const files = (await readdir(join(directory, set))).filter((file) => file.endsWith('.sql')).sort();
  return files.map((file) => ({ name: `${set}/${file}`, path: join(directory, set, file) }));
}

/** "line 12" for a Postgres error position (a 1-based character offset into the file). */
function describePosition(sql: string, error: unknown): string {
  const position = Number((error as { position?: unknown }).position);
  if (!Number.isInteger(position) || position < 1) return '';
  return ` (line ${sql.slice(0, position - 1).split('\n').length})`;
}

/**
 * Runs with its own short-lived client, not the read-only pool. The whole run holds an advisory
 * lock so that instances starting together do not apply the same file twice; each file is one
 * transaction, so a failed file leaves nothing half-applied and is retried on the next start.
 * Returns the names of the files applied by this call.
 */
export async function runMigrations(url: string, options: MigrationOptions, logger: Logger): Promise<string[]> {
  const directory = options.directory ?? defaultDirectory;
  const sets = options.example ? ['catalog', 'example'] : ['catalog'];
  const files = (await Promise.all(sets.map((set) => listFiles(directory, set)))).flat();
  const client = new pg.Client({ connectionString: url, application_name: 'sluice-migrate' });
  // A dropped connection then fails the running query instead of crashing the process.
  client.on('error', (error) => logger.error({ err: { message: error.message } }, 'migration connection failed'));
  await client.connect();
  const applied: string[] = [];
  try {
    await client.query('SELECT pg_advisory_lock($1::bigint)', [lockKey]);
    // Created under the lock: concurrent CREATE ... IF NOT EXISTS can still collide.
    await client.query('CREATE SCHEMA IF NOT EXISTS sluice');
    await client.query(
      'CREATE TABLE IF NOT EXISTS sluice.schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const { rows } = await client.query<{ name: string }>('SELECT name FROM sluice.schema_migrations');
    const done = new Set(rows.map((row) => row.name));
    for (const file of files) {
      if (done.has(file.name)) continue;
      const sql = await readFile(file.path, 'utf8');
      logger.info({ migration: file.name }, 'applying migration');
      try {
        await client.query('BEGIN READ WRITE');
        await client.query(sql);
        await client.query('INSERT INTO sluice.schema_migrations (name) VALUES ($1)', [file.name]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        const message = error instanceof Error ? error.message : String(error);
        throw new Error(`migration ${file.name} failed${describePosition(sql, error)}: ${message}`, { cause: error });
      }
      applied.push(file.name);
    }
    await client.query('SELECT pg_advisory_unlock($1::bigint)', [lockKey]);
  } finally {
    // Ending the session also releases the lock if we got here by an error.
    await client.end();
  }
  return applied;
}
