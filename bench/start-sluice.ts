/**
 * Sluice in this process, as `sluice serve` runs it (config → pool → gateway → node:http), bound
 * to 127.0.0.1 on a free port. The logger writes warnings to stderr; while `capture` runs it also
 * turns on debug level and keeps the `statement` lines (SQL text and parameters) that the
 * executor logs, which is how the raw-SQL floor gets exactly the statements Sluice ran.
 */
import { createServer, type Server } from 'node:http';
import { Writable } from 'node:stream';
import { loadConfig } from '../gateway/config/index.js';
import { createPool } from '../gateway/database/index.js';
import { createGateway } from '../gateway/http/index.js';
import { createLogger } from '../gateway/logging/index.js';

export interface CapturedStatement {
  readonly sql: string;
  readonly params: readonly unknown[];
}

export interface RunningSluice {
  /** `http://127.0.0.1:<port>/v1/graphql` */
  readonly graphqlUrl: string;
  readonly poolMax: number;
  /** How long a request waits for a pool connection before its 503. */
  readonly poolTimeoutMs: number;
  readonly statementTimeoutMs: number;
  /** `SLUICE_POOL_HEAP_PRIME_KB`, so the raw-SQL floor's connections are primed alike. */
  readonly heapPrimeKb: number;
  /** Runs `work` with statement logging on and returns the statements executed meanwhile. */
  capture(work: () => Promise<void>): Promise<CapturedStatement[]>;
  close(): Promise<void>;
}

const warnLevel = 40;

function listen(server: Server, backlog: number | undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: 0, host: '127.0.0.1', ...(backlog === undefined ? {} : { backlog }) }, () => {
      server.off('error', reject);
      const address = server.address();
      if (typeof address === 'object' && address) resolve(address.port);
      else reject(new Error('the HTTP server has no TCP address'));
    });
  });
}

/** `SLUICE_POOL_SHARED_READS` from the harness's environment, for runs comparing its values. */
function sharedReads(): Record<string, string> {
  const value = process.env.SLUICE_POOL_SHARED_READS;
  return value === undefined ? {} : { SLUICE_POOL_SHARED_READS: value };
}

/**
 * `BENCH_SLUICE_PG_OPTIONS` (say `-c plan_cache_mode=force_generic_plan`): session settings for
 * Sluice's connections only, as an operator would put them in `DATABASE_URL`'s `options`.
 */
export function sluiceDatabaseUrl(databaseUrl: string, env: NodeJS.ProcessEnv = process.env): string {
  const options = env.BENCH_SLUICE_PG_OPTIONS?.trim();
  if (!options) return databaseUrl;
  const url = new URL(databaseUrl);
  url.searchParams.set('options', options);
  return url.toString();
}

/** `backlog`: the HTTP listen backlog; by default `sluice serve`'s (`SLUICE_LISTEN_BACKLOG`, 4096). */
export async function startSluice(databaseUrl: string, poolMax: number, backlog?: number): Promise<RunningSluice> {
  const config = loadConfig({
    DATABASE_URL: sluiceDatabaseUrl(databaseUrl),
    PORT: '0',
    SLUICE_LOG_LEVEL: 'warn',
    SLUICE_POOL_MAX: String(poolMax),
    ...sharedReads(),
  });
  let captured: CapturedStatement[] | undefined;
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      const line = chunk.toString('utf8');
      let record: { level?: number; msg?: string; sql?: unknown; params?: unknown };
      try {
        record = JSON.parse(line) as typeof record;
      } catch {
        process.stderr.write(line);
        return done();
      }
      if (captured && record.msg === 'statement' && typeof record.sql === 'string' && Array.isArray(record.params)) {
        captured.push({ sql: record.sql, params: record.params });
      }
      // The benchmark keeps 32 and 128 requests in flight on a pool of 20 on purpose: the
      // pool-saturation warning (one per load run) would only break the progress lines.
      const expected = typeof record.msg === 'string' && record.msg.startsWith('connection pool ');
      if ((record.level ?? warnLevel) >= warnLevel && !expected) process.stderr.write(line);
      done();
    },
  });
  const logger = createLogger(config.logLevel, destination);
  const pool = createPool(config, logger);
  const gateway = createGateway({ config, pool, logger });
  const server = createServer(gateway.handle);
  try {
    await gateway.ready;
    const port = await listen(server, backlog ?? config.listenBacklog);
    return {
      graphqlUrl: `http://127.0.0.1:${port}/v1/graphql`,
      poolMax: config.poolMax,
      poolTimeoutMs: config.poolTimeoutMs,
      statementTimeoutMs: config.statementTimeoutMs,
      heapPrimeKb: config.poolHeapPrimeKb,
      async capture(work) {
        captured = [];
        logger.level = 'debug';
        try {
          await work();
          return captured;
        } finally {
          logger.level = config.logLevel;
          captured = undefined;
        }
      },
      async close() {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await gateway.close();
        await pool.end();
      },
    };
  } catch (error) {
    server.close();
    await gateway.close().catch(() => undefined);
    await pool.end().catch(() => undefined);
    throw error;
  }
}
