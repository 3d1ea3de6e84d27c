/**
 * The `sluice` command line (bin/sluice.mjs loads this file). It is the one place that reads the
 * environment and creates the logger, the pool and the embedded Postgres, then passes them down.
 */
import type { Config } from '../config/config.js';
import { isConfigError, loadConfig } from '../config/load-config.js';
import { createLogger } from '../logging/create-logger.js';
import { helpText } from './help-text.js';
import { runConformance } from './run-conformance.js';
import { runMetadata } from './run-metadata.js';
import { runPermissionTests } from './run-permission-tests.js';
import { runServe } from './run-serve.js';
import { runStart } from './run-start.js';

/** A mistake on the command line or in the environment: shown as one line, exit code 1. */
function fail(message: string): number {
  process.stderr.write(`${message}\n`);
  return 1;
}

function hasDatabaseUrl(config: Config): config is Config & { databaseUrl: string } {
  return config.databaseUrl !== undefined;
}

/**
 * Runs one command. Resolves with an exit code for commands that end (help, a bad setting, a
 * failed start), or with `undefined` once a server is up: it then exits through its signal handlers.
 */
export async function main(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number | undefined> {
  const [command = 'help', ...args] = argv;
  if (command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(helpText);
    return 0;
  }
  if (command === 'conformance') return runConformance(args);
  if (command === 'metadata') return runMetadata(args, env);
  if (command === 'test') return runPermissionTests(args, env);
  if (command !== 'start' && command !== 'serve') {
    return fail(`unknown command "${command}": expected start, serve, conformance or help`);
  }
  let config: Config;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (isConfigError(error)) return fail(error.message);
    throw error;
  }
  const logger = createLogger(config.logLevel);
  try {
    if (command === 'start') {
      await runStart(config, logger, env);
    } else if (hasDatabaseUrl(config)) {
      await runServe(config, logger);
    } else {
      return fail('DATABASE_URL is required by `sluice serve` (a postgres:// URL of your database); `sluice start` runs an embedded Postgres instead');
    }
    return undefined;
  } catch (error) {
    logger.fatal({ err: error }, 'Sluice could not start');
    return 1;
  }
}
