/**
 * Serves the functions of a manifest folder (default: `functions/`) until SIGINT/SIGTERM:
 *
 *   SLUICE_GRAPHQL_URL=http://localhost:8080/v1/graphql npx tsx functions/runner/cli.ts [dir]
 *
 * Environment: `FUNCTIONS_PORT` (default 3001), `FUNCTIONS_HOST` (default 127.0.0.1),
 * `FUNCTIONS_TIMEOUT_MS`, and each function's `serviceKeyEnv`.
 */
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { startFunctionRunner } from './start-function-runner.js';

const logger = pino({ name: 'sluice-functions' });
const dir = process.argv[2] ?? fileURLToPath(new URL('..', import.meta.url));
const number = (name: string): number | undefined => {
  const value = process.env[name];
  if (value === undefined || value === '') return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) throw new Error(`${name} must be a whole number, got ${JSON.stringify(value)}`);
  return parsed;
};

try {
  const runner = await startFunctionRunner({
    dir,
    port: number('FUNCTIONS_PORT') ?? 3001,
    host: process.env.FUNCTIONS_HOST ?? '127.0.0.1',
    timeoutMs: number('FUNCTIONS_TIMEOUT_MS'),
    logger,
  });
  logger.info({ url: runner.url, functions: Object.keys(runner.functions) }, 'function runner listening');
  const stop = () => {
    logger.info('function runner stopping');
    void runner.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (error) {
  logger.fatal({ err: error }, 'function runner failed to start');
  process.exitCode = 1;
}
