/**
 * The database connection of `sluice metadata`: the configuration from the environment, Sluice's
 * catalog migration (so the commands work on a database Sluice never served), and one pool.
 */
import pino from 'pino';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { Config } from '../config/config.js';
import { isConfigError, loadConfig } from '../config/load-config.js';
import { createPool } from '../database/create-pool.js';
import { runMigrations } from '../database/run-migrations.js';
import { createLogger } from '../logging/create-logger.js';
import { UsageError } from './metadata-cli-options.js';

export interface OpenCatalog {
  readonly pool: pg.Pool;
  readonly config: Config & { databaseUrl: string };
  close(): Promise<void>;
}

/** Logs go to stderr, warnings and worse only: stdout is the command's output (and may be JSON). */
export function createCliLogger(): Logger {
  return createLogger('warn', pino.destination(2));
}

/** Configuration problems are usage errors (exit 2). */
export function loadCliConfig(env: NodeJS.ProcessEnv, command: string): Config & { databaseUrl: string } {
  let config: Config;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (isConfigError(error)) throw new UsageError(error.message);
    throw error;
  }
  if (config.databaseUrl === undefined) throw new UsageError(`DATABASE_URL is required by \`sluice ${command}\` (a postgres:// URL of the database whose metadata to use)`);
  return config as Config & { databaseUrl: string };
}

export async function openCatalog(env: NodeJS.ProcessEnv, command: string): Promise<OpenCatalog> {
  const config = loadCliConfig(env, command);
  const logger = createCliLogger();
  await runMigrations(config.databaseUrl, { example: false }, logger);
  const pool = createPool(config, logger);
  return { pool, config, close: () => pool.end() };
}
