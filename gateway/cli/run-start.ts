import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config/config.js';
import { runMigrations } from '../database/run-migrations.js';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../database/start-embedded-postgres.js';
import { redactUrl } from '../logging/redact-url.js';
import { applyExampleMetadata } from './apply-example-metadata.js';
import { installShutdown } from './install-shutdown.js';
import { repoRoot } from './repo-root.js';
import { serveGateway } from './serve-gateway.js';

/**
 * `sluice start`: the example app. Without DATABASE_URL it runs an embedded Postgres whose data
 * survives restarts under `<repo>/.data/postgres`; either way it applies the catalog and the
 * Chinook example migrations and, on first start, the example metadata directory, then serves.
 */
export async function runStart(config: Config, logger: Logger): Promise<void> {
  let embedded: EmbeddedPostgres | undefined;
  try {
    let databaseUrl = config.databaseUrl;
    if (databaseUrl === undefined) {
      const dataDir = join(repoRoot(), '.data', 'postgres');
      logger.info({ dataDir }, 'starting embedded Postgres (no DATABASE_URL given)');
      embedded = await startEmbeddedPostgres({ dataDir, persistent: true, logger });
      databaseUrl = embedded.url;
    }
    logger.info({ database: redactUrl(databaseUrl) }, 'applying migrations (catalog and Chinook example)');
    await runMigrations(databaseUrl, { example: true }, logger);
    await applyExampleMetadata({ ...config, databaseUrl }, logger);
    const running = await serveGateway({ ...config, databaseUrl }, logger);
    const stopEmbedded = embedded;
    installShutdown(async () => {
      await running.close();
      await stopEmbedded?.stop();
    }, logger);
  } catch (error) {
    await embedded?.stop().catch(() => undefined);
    throw error;
  }
}
