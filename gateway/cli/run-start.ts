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
import { startOrderWorkflow, type OrderWorkflow } from './start-order-workflow.js';
import { exampleSecretsPath } from '../../functions/orders/example-secrets.js';

/**
 * `sluice start`: the example app. Without DATABASE_URL it runs an embedded Postgres whose data
 * survives restarts under `<repo>/.data/postgres`; either way it applies the catalog and the
 * example migrations (Chinook and the order workflow) and, on first start, the example metadata
 * directory, starts the order workflow's functions, then serves. `env` is the process
 * environment: the order workflow adds the settings its event triggers and functions read.
 */
export async function runStart(config: Config, logger: Logger, env: NodeJS.ProcessEnv): Promise<void> {
  let embedded: EmbeddedPostgres | undefined;
  let workflow: OrderWorkflow | undefined;
  try {
    let databaseUrl = config.databaseUrl;
    if (databaseUrl === undefined) {
      const dataDir = join(repoRoot(), '.data', 'postgres');
      logger.info({ dataDir }, 'starting embedded Postgres (no DATABASE_URL given)');
      embedded = await startEmbeddedPostgres({ dataDir, persistent: true, logger });
      databaseUrl = embedded.url;
    }
    logger.info({ database: redactUrl(databaseUrl) }, 'applying migrations (catalog and the example app)');
    await runMigrations(databaseUrl, { example: true }, logger);
    await applyExampleMetadata({ ...config, databaseUrl }, logger);
    let serveConfig = { ...config, databaseUrl };
    try {
      workflow = await startOrderWorkflow({ config: serveConfig, env, logger, secretsPath: exampleSecretsPath(repoRoot()) });
      serveConfig = workflow.config;
    } catch (error) {
      // The example's extra must never keep the gateway from starting.
      logger.warn({ err: error }, 'the order workflow did not start; serving without it');
    }
    const running = await serveGateway(serveConfig, logger);
    if (workflow) {
      logger.info(
        { functions: workflow.functions.url, secrets: exampleSecretsPath(repoRoot()) },
        'order workflow running: `npm run demo` places orders as a customer and follows them to delivered',
      );
    }
    const stopEmbedded = embedded;
    const stopWorkflow = workflow;
    installShutdown(async () => {
      await running.close();
      await stopWorkflow?.stop();
      await stopEmbedded?.stop();
    }, logger);
  } catch (error) {
    await workflow?.stop().catch(() => undefined);
    await embedded?.stop().catch(() => undefined);
    throw error;
  }
}
