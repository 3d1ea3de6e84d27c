/**
 * A real gateway for one test file: a fresh database on the shared test server, Sluice's
 * migrations (optionally the Chinook example), the gateway's own read-only pool, and the gateway
 * itself, served by `node:http` on a free loopback port exactly as `sluice serve` serves it (so
 * requests take the fast path where a server's would). Log lines are kept in `logs` so tests can check
 * warnings.
 */
import { createServer, type Server } from 'node:http';
import { Writable } from 'node:stream';
import type pg from 'pg';
import { loadConfig, type Config } from '../../gateway/config/index.js';
import { createPool, runMigrations } from '../../gateway/database/index.js';
import { createGateway, type Gateway } from '../../gateway/http/index.js';
import { createLogger } from '../../gateway/logging/index.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

export const baseUrl = 'http://sluice.test';

export interface TestGatewayOptions {
  /** Level of the log lines kept in `logs` (default warn; info keeps one line per request). */
  readonly logLevel?: 'warn' | 'info' | 'debug';
  /** Load the Chinook example data (default true). */
  readonly example?: boolean;
  /** Extra environment for `loadConfig` (`DATABASE_URL` is filled in). */
  readonly env?: Readonly<Record<string, string>>;
  /** SQL run as the test (read-write) after migrations, before the gateway loads its schema. */
  readonly setupSql?: string;
  /** Rewrites the database URL the gateway's pool connects to (e.g. through a counting proxy). */
  readonly poolUrl?: (url: string) => string;
}

export interface HttpResult {
  readonly status: number;
  readonly headers: Headers;
  /** The parsed JSON body, or the raw text when it is not JSON. */
  readonly body: unknown;
  readonly text: string;
}

export interface LogRecord {
  readonly level: number;
  readonly msg: string;
  readonly [key: string]: unknown;
}

export interface TestGateway {
  readonly gateway: Gateway;
  /** The gateway's pool (read-only connections, like production). */
  readonly pool: pg.Pool;
  /** The test database; `db.pool` is read-write, for setup and for checking results with SQL. */
  readonly db: TestDatabase;
  readonly config: Config;
  readonly logs: LogRecord[];
  /** Headers that make a request admin (the secret when one is configured). */
  readonly adminHeaders: Readonly<Record<string, string>>;
  /** POST /v1/graphql with `{query, variables}` (admin unless `headers` say otherwise). */
  graphql(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<HttpResult>;
  /** POST of any JSON body (or raw string) to a path. */
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<HttpResult>;
  /** Any request to the gateway. */
  request(path: string, init?: RequestInit): Promise<HttpResult>;
  /** `run_sql` through `/v2/query` as admin; throws unless it answered 200. */
  runSql(sql: string): Promise<unknown>;
  close(): Promise<void>;
}

async function readResult(response: Response): Promise<HttpResult> {
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON (health text, GraphiQL HTML): keep the text.
  }
  return { status: response.status, headers: response.headers, body, text };
}

export async function startTestGateway(options: TestGatewayOptions = {}): Promise<TestGateway> {
  const db = await createTestDatabase('sluice_gql');
  const logs: LogRecord[] = [];
  const logger = createLogger(
    options.logLevel ?? 'warn',
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') logs.push(JSON.parse(line) as LogRecord);
        done();
      },
    }),
  );
  let pool: pg.Pool | undefined;
  let server: Server | undefined;
  try {
    await runMigrations(db.url, { example: options.example ?? true }, logger);
    if (options.setupSql) await db.pool.query(options.setupSql);
    const url = options.poolUrl ? options.poolUrl(db.url) : db.url;
    const config = loadConfig({ SLUICE_POOL_MAX: '4', ...options.env, DATABASE_URL: url });
    pool = createPool(config, logger);
    const gateway = createGateway({ config, pool, logger });
    await gateway.ready;
    const adminHeaders: Record<string, string> = config.adminSecret === undefined ? {} : { 'x-hasura-admin-secret': config.adminSecret };
    const gatewayPool = pool;
    server = createServer(gateway.handle);
    const listening = server;
    await new Promise<void>((resolve, reject) => {
      listening.once('error', reject);
      listening.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = listening.address() as { port: number };
    const request = async (path: string, init?: RequestInit) => readResult(await fetch(`http://127.0.0.1:${port}${path}`, init));
    const post = (path: string, body: unknown, headers: Record<string, string> = adminHeaders) =>
      request(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
    return {
      gateway,
      pool,
      db,
      config,
      logs,
      adminHeaders,
      graphql: (query, variables, headers) => post('/v1/graphql', variables === undefined ? { query } : { query, variables }, headers ?? adminHeaders),
      post,
      request,
      async runSql(sql) {
        const result = await post('/v2/query', { type: 'run_sql', args: { sql } });
        if (result.status !== 200) throw new Error(`run_sql failed (${result.status}): ${result.text}`);
        return result.body;
      },
      async close() {
        listening.closeAllConnections();
        await new Promise((resolve) => listening.close(resolve));
        await gateway.close();
        await gatewayPool.end();
        await db.drop();
      },
    };
  } catch (error) {
    server?.close();
    await pool?.end();
    await db.drop();
    throw error;
  }
}

/** The `data` of a successful GraphQL response; fails with the whole body otherwise. */
export function dataOf(result: HttpResult): Record<string, unknown> {
  const body = result.body as { data?: Record<string, unknown>; errors?: unknown };
  if (result.status !== 200 || body.errors !== undefined || body.data === undefined) {
    throw new Error(`expected data, got ${result.status}: ${result.text.slice(0, 2000)}`);
  }
  return body.data;
}

/** The single error of a failed GraphQL response, in Hasura's shape. */
export interface HasuraError {
  readonly message: string;
  readonly extensions: { readonly path: string; readonly code: string; readonly internal?: unknown };
}

export function errorOf(result: HttpResult): HasuraError {
  const body = result.body as { data?: unknown; errors?: HasuraError[] };
  if (!Array.isArray(body.errors) || body.errors.length !== 1) {
    throw new Error(`expected exactly one error, got ${result.status}: ${result.text.slice(0, 2000)}`);
  }
  return body.errors[0]!;
}
