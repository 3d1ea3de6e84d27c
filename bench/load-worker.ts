/**
 * The load generator, run as a child process by `run-load.ts`: receives one `LoadJob`, keeps
 * `concurrency` requests in flight for warm-up + duration, and sends back a `LoadResult`.
 * Requests are counted by completion time: those that complete inside the measured window count,
 * whether they started in it or not, which keeps throughput unbiased at any latency.
 */
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { primeBackendHeap, sessionOptions } from '../gateway/database/index.js';
import { errorKind, hasErrors, summarizeLatencies, type LoadJob, type LoadResult, type LoadTarget } from './load-job.js';
import { findWorkload, requestBody } from './workloads.js';
import { bodyHasErrors, createKeepAliveClient } from './keep-alive-client.js';

/** Sends request number `i`; resolves true on success, false or a rejection on failure. */
type Send = (i: number) => Promise<boolean>;
type SqlTarget = Extract<LoadTarget, { kind: 'sql' }>;
type GraphqlTarget = Extract<LoadTarget, { kind: 'graphql' }>;
type SqlConnectTarget = Extract<LoadTarget, { kind: 'sql-connect' }>;

/**
 * Request `i`'s body, encoded once per variant for queries (so the client spends its CPU on HTTP
 * only) and built each time for mutations (each inserts its own row).
 */
function requestPicker<T>(target: GraphqlTarget, encode: (body: string) => T): (i: number) => T {
  const chosen = target.workloads.map(findWorkload);
  const tag = `bench-${process.pid}-${Date.now()}`;
  const build = (workload: (typeof chosen)[number], i: number) => encode(requestBody(workload, i, tag, target.dialect, target.scale));
  const variants = chosen.map((workload) => Array.from({ length: workload.variants }, (_, i) => build(workload, i)));
  return (i) => {
    const which = i % chosen.length;
    const workload = chosen[which]!;
    const n = Math.floor(i / chosen.length);
    return workload.kind === 'query' ? variants[which]![n % workload.variants]! : build(workload, i);
  };
}

/** Keep-alive through the minimal client: answers checked on the bytes. */
function minimalGraphqlSender(job: LoadJob, target: GraphqlTarget): { send: Send; close(): Promise<void> } {
  const client = createKeepAliveClient(target.url, job.requestTimeoutMs);
  const pick = requestPicker(target, (body) => client.encode(body));
  const send: Send = async (i) => {
    const answer = await client.post(pick(i));
    if (answer.status === 200 && !bodyHasErrors(answer.body)) return true;
    throw new Error(`HTTP ${answer.status}: ${answer.body.toString('utf8', 0, 300)}`);
  };
  return { send, close: async () => client.close() };
}

function graphqlSender(job: LoadJob, target: GraphqlTarget): { send: Send; close(): Promise<void> } {
  if (!target.freshConnections && target.httpClient !== 'node') return minimalGraphqlSender(job, target);
  // Keep-alive with one socket per loop, or none at all: a fresh connection per request.
  const agent = target.freshConnections ? false : new Agent({ keepAlive: true, maxSockets: job.concurrency });
  const headers = target.freshConnections ? { connection: 'close' } : {};
  const pick = requestPicker(target, (body) => body);
  const send: Send = (i) =>
    new Promise((resolve, reject) => {
      const body = pick(i);
      const req = request(
        target.url,
        {
          method: 'POST',
          agent,
          timeout: job.requestTimeoutMs,
          headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            if (res.statusCode === 200 && !hasErrors(text)) resolve(true);
            else reject(new Error(`HTTP ${res.statusCode}: ${text.slice(0, 300)}`));
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${job.requestTimeoutMs} ms`)));
      req.on('error', reject);
      req.end(body);
    });
  return { send, close: async () => (agent ? agent.destroy() : undefined) };
}

/** A new connection per request: connect, run one statement, disconnect (the cold function). */
function sqlConnectSender(job: LoadJob, target: SqlConnectTarget): { send: Send; close(): Promise<void> } {
  const send: Send = async (i) => {
    const { sql, params } = target.statements[i % target.statements.length]!;
    // A connection attempt is bounded like any request: a SYN dropped by a full listen queue is
    // retried by the kernel for minutes, which would hold the run open long past its window.
    const client = new pg.Client({
      connectionString: target.url,
      application_name: 'sluice-bench-direct',
      statement_timeout: target.statementTimeoutMs,
      connectionTimeoutMillis: job.requestTimeoutMs,
    });
    client.on('error', () => undefined);
    try {
      await client.connect();
      const result = await client.query({ text: sql, values: params as unknown[], rowMode: 'array' });
      if (result.rows.length !== 1) throw new Error(`expected one row, got ${result.rows.length}`);
      return true;
    } finally {
      await client.end().catch(() => undefined);
    }
  };
  return { send, close: async () => undefined };
}

function sqlSender(target: SqlTarget): { send: Send; close(): Promise<void> } {
  // The same session settings as Sluice's pool (read-only, statement timeout, primed heap), the same size.
  const pool = new pg.Pool({
    connectionString: target.url,
    max: target.poolMax,
    application_name: 'sluice-bench-raw',
    options: sessionOptions(target.statementTimeoutMs),
  });
  pool.on('error', () => undefined);
  const names = new Map<string, string>();
  for (const { sql } of target.statements) if (!names.has(sql)) names.set(sql, `bench_raw_${names.size}`);
  // Primed on first use rather than on the pool's 'connect' event: without pg's pipeline mode a
  // query queued behind the prime is deprecated (and a warning on stderr).
  const primed = new WeakSet<pg.PoolClient>();
  const send: Send = async (i) => {
    const { sql, params } = target.statements[i % target.statements.length]!;
    const client = await pool.connect();
    try {
      if (target.heapPrimeKb > 0 && !primed.has(client)) {
        primed.add(client);
        await primeBackendHeap(client, target.heapPrimeKb);
      }
      const result = await client.query({ name: names.get(sql)!, text: sql, values: params as unknown[], rowMode: 'array' });
      if (result.rows.length !== 1) throw new Error(`expected one row, got ${result.rows.length}`);
      return true;
    } finally {
      client.release();
    }
  };
  return { send, close: () => pool.end() };
}

async function runJob(job: LoadJob): Promise<LoadResult> {
  const { target } = job;
  const sender = target.kind === 'graphql' ? graphqlSender(job, target) : target.kind === 'sql' ? sqlSender(target) : sqlConnectSender(job, target);
  const firstLatencies: number[] = [];
  const laterLatencies: number[] = [];
  const errorKinds: Record<string, number> = {};
  let errors = 0;
  let warmupErrors = 0;
  let firstError: string | undefined;
  let next = 0;
  const startedAt = performance.now();
  const measureFrom = startedAt + job.warmupMs;
  const endAt = measureFrom + job.durationMs;
  const loop = async (): Promise<void> => {
    let first = true;
    while (performance.now() < endAt) {
      const i = next++;
      const begin = performance.now();
      let ok: boolean;
      let failure: unknown;
      try {
        ok = await sender.send(i);
      } catch (error) {
        ok = false;
        failure = error;
        firstError ??= error instanceof Error ? error.message : String(error);
      }
      const end = performance.now();
      if (end < measureFrom) {
        if (!ok) warmupErrors++;
      } else if (end <= endAt) {
        if (ok) (first ? firstLatencies : laterLatencies).push(end - begin);
        else {
          errors++;
          const kind = errorKind(failure);
          errorKinds[kind] = (errorKinds[kind] ?? 0) + 1;
        }
      }
      first = false;
    }
  };
  try {
    await Promise.all(Array.from({ length: job.concurrency }, loop));
  } finally {
    await sender.close();
  }
  const all = summarizeLatencies([...firstLatencies, ...laterLatencies]);
  const durationS = job.durationMs / 1000;
  return {
    requests: all.requests,
    errors,
    warmupErrors,
    durationS,
    requestsPerSecond: all.requests / durationS,
    p50Ms: all.p50Ms,
    p99Ms: all.p99Ms,
    maxMs: all.maxMs,
    firstRequests: summarizeLatencies(firstLatencies),
    laterRequests: summarizeLatencies(laterLatencies),
    errorKinds,
    ...(firstError === undefined ? {} : { firstError }),
  };
}

// The parent going away (killed, crashed) must not leave this process running.
process.on('disconnect', () => process.exit(1));
process.once('message', (job: LoadJob) => {
  runJob(job).then(
    (result) => process.send?.({ result }, () => process.exit(0)),
    (error: unknown) => process.send?.({ error: error instanceof Error ? error.message : String(error) }, () => process.exit(1)),
  );
});
