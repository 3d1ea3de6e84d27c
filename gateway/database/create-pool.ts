/**
 * The one connection pool every request runs on (see DESIGN.md, "the only pool").
 */
import pg from 'pg';
import type { Logger } from 'pino';
import type { Config } from '../config/config.js';
import { redactUrl } from '../logging/redact-url.js';
import { ByteRowsClient } from './byte-rows-client.js';
import { primeBackendHeap } from './prime-backend-heap.js';

/**
 * Session settings sent in the startup packet's `options` parameter, so they cost no round trip:
 * every connection starts read-only (a query needs no `BEGIN READ ONLY … COMMIT` to be safe;
 * writers open `BEGIN READ WRITE` explicitly) and with the configured statement timeout.
 * A timeout of 0 sets nothing, leaving the database's or role's own default in force.
 */
export function sessionOptions(statementTimeoutMs: number, userOptions = ''): string {
  const ours = ['-c default_transaction_read_only=on'];
  if (statementTimeoutMs > 0) ours.push(`-c statement_timeout=${statementTimeoutMs}`);
  return [userOptions.trim(), ...ours].filter((part) => part !== '').join(' ');
}

/**
 * pg lets parameters in the connection string override the ones given beside it, so an `options`
 * parameter in the user's URL would silently drop ours: take it out and append ours to it.
 */
function splitOptions(databaseUrl: string): { url: string; userOptions: string } {
  const url = new URL(databaseUrl);
  const userOptions = url.searchParams.get('options');
  if (userOptions === null) return { url: databaseUrl, userOptions: '' };
  url.searchParams.delete('options');
  return { url: url.toString(), userOptions };
}

export function createPool(config: Config, logger: Logger): pg.Pool {
  if (config.databaseUrl === undefined) {
    throw new Error('createPool needs config.databaseUrl (the CLI fills it in for the embedded Postgres)');
  }
  const { url, userOptions } = splitOptions(config.databaseUrl);
  const pool = new pg.Pool({
    connectionString: url,
    max: config.poolMax,
    connectionTimeoutMillis: config.poolTimeoutMs,
    application_name: 'sluice',
    options: sessionOptions(config.statementTimeoutMs, userOptions),
    // A query issued before the previous one has answered is written at once instead of
    // queued (pg's pipeline mode): a mutation's `BEGIN` and session setting share a round trip.
    pipeline: true,
    // Reads the JSON answers of queries as bytes, written to the response undecoded.
    Client: ByteRowsClient,
  });
  // An idle client whose server went away (restart, failover) emits 'error' on the pool; without
  // a listener Node would crash the process. The pool drops that client and opens a new one later.
  pool.on('error', (error) => {
    logger.error({ err: { message: error.message, code: (error as { code?: unknown }).code } }, 'idle database connection failed');
  });
  if (config.poolHeapPrimeKb > 0) {
    // Issued before the client is handed out, so it is the connection's first statement. Not
    // awaited: a request on the new connection queues behind it on the same socket.
    pool.on('connect', (client) => {
      primeBackendHeap(client, config.poolHeapPrimeKb).catch((error: unknown) => {
        logger.debug({ err: { message: error instanceof Error ? error.message : String(error) } }, 'priming a connection\'s backend heap failed');
      });
    });
  }
  logger.debug({ databaseUrl: redactUrl(config.databaseUrl), max: config.poolMax }, 'connection pool created');
  return pool;
}
