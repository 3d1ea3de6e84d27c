import type { Logger } from 'pino';
import type { Config } from '../config/config.js';
import { runMigrations } from '../database/run-migrations.js';
import { redactUrl } from '../logging/redact-url.js';
import { installShutdown } from './install-shutdown.js';
import { serveGateway } from './serve-gateway.js';

/**
 * `sluice serve`: the user's own database. Only Sluice's catalog (schema `sluice`) is created;
 * the user's tables are never touched.
 */
export async function runServe(config: Config & { databaseUrl: string }, logger: Logger): Promise<void> {
  logger.info({ database: redactUrl(config.databaseUrl) }, 'applying catalog migrations');
  await runMigrations(config.databaseUrl, { example: false }, logger);
  const running = await serveGateway(config, logger);
  installShutdown(() => running.close(), logger);
}
