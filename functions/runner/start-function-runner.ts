import { access } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino, { type Logger } from 'pino';
import type { FetchFunction } from '../client/index.js';
import { createClientFactories } from './function-clients.js';
import { createFunctionInstances, type FunctionInstances, type WarmPolicy } from './function-instances.js';
import { invokeFunction, type InvocationOutcome } from './invoke-function.js';
import { readFunctionManifest, resolveFunctionSpecs, type FunctionManifest, type FunctionSpec } from './read-function-manifest.js';
import { readJsonBody } from './read-json-body.js';

export interface FunctionRunnerOptions {
  /** A folder with a `functions.json` manifest; module paths are relative to it. */
  readonly dir?: string;
  /** Or the functions themselves: name → module path (relative to the working directory) or spec. */
  readonly functions?: Readonly<Record<string, string | FunctionSpec>>;
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  readonly host?: string;
  /** The gateway's GraphQL endpoint for the functions' clients; default `SLUICE_GRAPHQL_URL`. */
  readonly sluiceUrl?: string;
  /** Development only: the credential of functions whose manifest entry names no service key. */
  readonly adminSecret?: string;
  /** Where `serviceKeyEnv` names are looked up; default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The `fetch` of the functions' clients (tests pass the gateway's). */
  readonly fetch?: FetchFunction;
  /** How long an instance stays warm; defaults: 5 minutes idle, 1,000 invocations. */
  readonly warm?: Partial<WarmPolicy>;
  /** Per invocation; default 30 s. Past it the caller gets 504. */
  readonly timeoutMs?: number;
  /** Per request of a function's client; default the client's (10 s). */
  readonly clientTimeoutMs?: number;
  /** Largest event body accepted; default 10 MiB. */
  readonly maxBodyBytes?: number;
  readonly logger?: Logger;
}

export interface FunctionRunner {
  /** The base URL; function `name` is served at `${url}/${name}`. */
  readonly url: string;
  /** The functions served, with resolved module paths. */
  readonly functions: FunctionManifest;
  stop(): Promise<void>;
}

async function loadManifest(options: FunctionRunnerOptions): Promise<FunctionManifest> {
  if ((options.dir === undefined) === (options.functions === undefined)) throw new TypeError('give the function runner either dir or functions');
  const manifest = options.dir !== undefined ? await readFunctionManifest(options.dir) : resolveFunctionSpecs(options.functions!, process.cwd());
  const missing: string[] = [];
  for (const [name, spec] of Object.entries(manifest)) {
    await access(spec.module).catch(() => missing.push(`${name}: no module at ${spec.module}`));
  }
  if (missing.length > 0) throw new Error(`missing function modules:\n  ${missing.join('\n  ')}`);
  return manifest;
}

/**
 * A local stand-in for a serverless platform: `POST /<name>` with an event as the JSON body calls
 * the function's default export with that event and a context (its own Sluice client, the
 * delivery's idempotency key, a logger). The result is the 200 JSON answer; a thrown error is a
 * 500 `{error}`, a timeout a 504. Instances are cold-started from a fresh module (see
 * `createFunctionInstances`), so a function that keeps state in module variables loses it.
 */
export async function startFunctionRunner(options: FunctionRunnerOptions): Promise<FunctionRunner> {
  const manifest = await loadManifest(options);
  const env = options.env ?? process.env;
  const clients = createClientFactories(manifest, {
    sluiceUrl: options.sluiceUrl ?? env.SLUICE_GRAPHQL_URL,
    adminSecret: options.adminSecret,
    env,
    fetch: options.fetch,
    timeoutMs: options.clientTimeoutMs,
  });
  const policy: WarmPolicy = { idleMs: options.warm?.idleMs ?? 300_000, maxInvocations: options.warm?.maxInvocations ?? 1_000 };
  const instances = new Map<string, FunctionInstances>(Object.entries(manifest).map(([name, spec]) => [name, createFunctionInstances(spec.module, policy)]));
  const logger = options.logger ?? pino({ name: 'sluice-functions' });
  const timeoutMs = options.timeoutMs ?? 30_000;
  const maxBodyBytes = options.maxBodyBytes ?? 10 * 1024 * 1024;

  async function serveInvocation(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://runner').pathname;
    if (req.method === 'GET' && path === '/healthz') return void send(res, 200, { functions: Object.keys(manifest) });
    const name = safeDecode(path.slice(1));
    const keeper = Object.hasOwn(manifest, name) ? instances.get(name) : undefined;
    if (keeper === undefined) return void send(res, 404, { error: `no function named ${JSON.stringify(name)}` });
    if (req.method !== 'POST') return void send(res, 405, { error: 'functions are called with POST' }, { allow: 'POST' });
    const body = await readJsonBody(req, maxBodyBytes);
    if (body.kind !== 'json') return void send(res, body.status, { error: body.error });
    const event = body.value;
    const header = req.headers['idempotency-key'];
    const eventId = typeof event === 'object' && event !== null ? (event as { id?: unknown }).id : undefined;
    const idempotencyKey = typeof header === 'string' && header !== '' ? header : typeof eventId === 'string' ? eventId : undefined;
    const log = logger.child({ function: name, idempotencyKey });
    const started = performance.now();
    let acquired;
    try {
      acquired = await keeper.acquire();
    } catch (error) {
      log.error({ err: error }, 'function module failed to load');
      return void send(res, 500, { error: `function ${name} failed to load: ${messageOf(error)}` });
    }
    const { handler, instance, cold } = acquired;
    const outcome = await invokeFunction({ name, handler, event, idempotencyKey, client: clients[name]!(), log, timeoutMs });
    const headers = { 'x-function-instance': String(instance), 'x-function-cold-start': String(cold) };
    const status = send(res, ...answerOf(name, outcome, timeoutMs), headers);
    const durationMs = Math.round(performance.now() - started);
    if (outcome.kind === 'error') log.error({ err: outcome.error, instance, cold, status, durationMs }, 'function failed');
    else log.info({ instance, cold, status, durationMs }, outcome.kind === 'timeout' ? 'function timed out' : 'function invoked');
  }

  const server = createServer((req, res) => {
    serveInvocation(req, res).catch((error: unknown) => {
      logger.error({ err: error }, 'function runner failed to answer');
      if (!res.headersSent) send(res, 500, { error: 'function runner error' });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    functions: manifest,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function answerOf(name: string, outcome: InvocationOutcome, timeoutMs: number): [number, unknown] {
  switch (outcome.kind) {
    case 'result':
      return [200, outcome.value === undefined ? null : outcome.value];
    case 'error':
      return [500, { error: messageOf(outcome.error) }];
    case 'timeout':
      return [504, { error: `function ${name} timed out after ${timeoutMs} ms` }];
  }
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Answers `body` as JSON; a body that cannot be JSON becomes a 500. Returns the status sent. */
function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): number {
  let text: string;
  try {
    text = JSON.stringify(body);
  } catch (error) {
    status = 500;
    text = JSON.stringify({ error: `the function's result is not JSON: ${messageOf(error)}` });
  }
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers }).end(text);
  return status;
}
