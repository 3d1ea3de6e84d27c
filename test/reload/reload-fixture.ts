/**
 * Gateways for the reload tests: in-process instances on their own pools with every log line
 * (info included) kept, and `sluice serve` child processes on ports from PORT=0. Several may
 * share one test database, as instances behind a load balancer do.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { loadConfig } from '../../gateway/config/index.js';
import { createPool } from '../../gateway/database/index.js';
import { createGateway, type Gateway, type GatewayOptions } from '../../gateway/http/index.js';
import { createLogger } from '../../gateway/logging/index.js';
import type { HttpResult, LogRecord } from '../support/test-gateway.js';

export const adminSecret = 'reload-test-secret';

export interface Instance {
  readonly logs: LogRecord[];
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<HttpResult>;
  get(path: string): Promise<HttpResult>;
  graphql(query: string, headers?: Record<string, string>): Promise<HttpResult>;
  close(): Promise<void>;
}

async function readResult(response: Response): Promise<HttpResult> {
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // health answers are text
  }
  return { status: response.status, headers: response.headers, body, text };
}

function client(send: (path: string, init?: RequestInit) => Promise<Response>, logs: LogRecord[], close: () => Promise<void>): Instance {
  const post = async (path: string, body: unknown, headers: Record<string, string> = {}) =>
    readResult(
      await send(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hasura-admin-secret': adminSecret, ...headers },
        body: JSON.stringify(body),
      }),
    );
  return {
    logs,
    post,
    get: async (path) => readResult(await send(path)),
    graphql: (query, headers) => post('/v1/graphql', { query }, headers),
    close,
  };
}

/** A gateway in this process on its own pool (the listener opens its own connection besides). */
export async function startInstance(
  url: string,
  options: { env?: Record<string, string>; reload?: GatewayOptions['reload'] } = {},
): Promise<Instance & { readonly gateway: Gateway; readonly pool: pg.Pool }> {
  const logs: LogRecord[] = [];
  const logger = createLogger(
    'info',
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') logs.push(JSON.parse(line) as LogRecord);
        done();
      },
    }),
  );
  const config = loadConfig({ SLUICE_POOL_MAX: '4', SLUICE_ADMIN_SECRET: adminSecret, ...options.env, DATABASE_URL: url });
  const pool = createPool(config, logger);
  const gateway = createGateway({ config, pool, logger, ...(options.reload ? { reload: options.reload } : {}) });
  try {
    await gateway.ready;
  } catch (error) {
    await pool.end();
    throw error;
  }
  const instance = client(
    (path, init) => gateway.fetch(new Request(`http://sluice.test${path}`, init)),
    logs,
    async () => {
      await gateway.close();
      await pool.end();
    },
  );
  return { ...instance, gateway, pool };
}

const bin = fileURLToPath(new URL('../../bin/sluice.mjs', import.meta.url));

/** `sluice serve` in a child process; resolves once it listens on HTTP. */
export function serveProcess(env: Record<string, string>): Promise<Instance & { readonly child: ChildProcess; readonly url: string }> {
  const child = spawn(process.execPath, [bin, 'serve'], {
    cwd: tmpdir(),
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: '0', SLUICE_LOG_LEVEL: 'info', SLUICE_ADMIN_SECRET: adminSecret, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: LogRecord[] = [];
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = JSON.parse(buffered.slice(0, newline)) as LogRecord;
        buffered = buffered.slice(newline + 1);
        logs.push(line);
        if (line.msg.startsWith('Sluice is listening')) {
          const url = String(line.url);
          const instance = client((path, init) => fetch(`${url}${path}`, init), logs, async () => {
            child.kill('SIGTERM');
            await exited;
          });
          resolve({ ...instance, child, url });
        }
      }
    });
    void exited.then((code) => reject(new Error(`sluice exited with ${code} before listening: ${stderr}`)));
  });
}

/** Resolves once a log line with this message appears; fails after `timeoutMs`. */
export async function waitForLog(logs: readonly LogRecord[], msg: string | RegExp, timeoutMs = 10_000): Promise<LogRecord> {
  const found = () => logs.find((line) => (typeof msg === 'string' ? line.msg === msg : msg.test(line.msg)));
  await waitFor(() => found() !== undefined, timeoutMs, `log line ${String(msg)}`);
  return found()!;
}

/**
 * Polls `check` every 20 ms until it is true; returns the milliseconds it took. Bounded: fails
 * after `timeoutMs` with what it was waiting for.
 */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<number> {
  const start = performance.now();
  for (;;) {
    if (await check()) return performance.now() - start;
    if (performance.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The root query fields the role sees. */
export async function queryFields(instance: Instance, headers: Record<string, string> = {}): Promise<string[]> {
  const result = await instance.graphql('{ __schema { queryType { fields { name } } } }', headers);
  const body = result.body as { data?: { __schema: { queryType: { fields: { name: string }[] } } } };
  return body.data?.__schema.queryType.fields.map((f) => f.name) ?? [];
}

/** The fields of one GraphQL object type (empty when the type does not exist). */
export async function typeFields(instance: Instance, type: string): Promise<string[]> {
  const result = await instance.graphql(`{ __type(name: ${JSON.stringify(type)}) { fields { name } } }`);
  const body = result.body as { data?: { __type: { fields: { name: string }[] } | null } };
  return body.data?.__type?.fields.map((f) => f.name) ?? [];
}
