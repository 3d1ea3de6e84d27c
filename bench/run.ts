/**
 * `npm run bench`: starts a throwaway embedded Postgres with Chinook, Sluice in this process on
 * 127.0.0.1, and for each workload and concurrency runs a load worker against Sluice, then
 * against the same SQL on Postgres directly (the raw-SQL floor). Prints a Markdown table and
 * writes it to bench/results/latest.md. Everything it starts it stops, also on error, Ctrl-C or
 * when the overall deadline passes.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, platform, release, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createLogger } from '../gateway/logging/index.js';
import { readBenchSettings } from './bench-settings.js';
import { checkWorkload } from './check-workload.js';
import { createStatementCounter, type StatementCounter } from './count-statements.js';
import { formatReport, type MachineInfo, type ResultRow } from './format-report.js';
import { hasErrors, type LoadJob } from './load-job.js';
import { runLoad } from './run-load.js';
import { sampleRss } from './sample-rss.js';
import { benchDataDir, startBenchPostgres, type BenchPostgres } from './start-postgres.js';
import { startSluice, type RunningSluice } from './start-sluice.js';
import { findWorkload, requestBody, workloads } from './workloads.js';

const resultsPath = fileURLToPath(new URL('./results/latest.md', import.meta.url));
/** Requests sent one by one to count statements per request. */
const countingRequests = 20;
/** Embedded Postgres start (twice), migrations, schema load; generous on a slow shared machine. */
const startupAllowanceMs = 180_000;

const settings = readBenchSettings(process.env);
const logger = createLogger('warn');
const dataDir = benchDataDir();
/** Start-up in progress: an abort waits for it, so that what it started gets stopped too. */
let starting: Promise<unknown> | undefined;
let postgres: BenchPostgres | undefined;
let sluice: RunningSluice | undefined;
let counter: StatementCounter | undefined;

async function cleanup(): Promise<void> {
  await counter?.close().catch(() => undefined);
  await sluice?.close().catch((error: unknown) => logger.error({ err: error }, 'closing Sluice failed'));
  await postgres?.stop().catch((error: unknown) => logger.error({ err: error }, 'stopping Postgres failed'));
  counter = undefined;
  sluice = undefined;
  postgres = undefined;
  // Also when Postgres never finished starting (it is stopped by then: see `abort`).
  await rm(dataDir, { recursive: true, force: true }).catch(() => undefined);
}

function abort(reason: string, code: number): void {
  process.stderr.write(`bench: ${reason}; cleaning up\n`);
  const force = setTimeout(() => process.exit(code), 20_000);
  force.unref();
  void (starting ?? Promise.resolve())
    .catch(() => undefined)
    .then(cleanup)
    .finally(() => process.exit(code));
}

function commit(): string {
  try {
    const hash = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'gateway', 'schema'], { encoding: 'utf8' }).trim() !== '';
    return dirty ? `${hash} (gateway/ or schema/ modified)` : hash;
  } catch {
    return 'unknown';
  }
}

function machineInfo(postgresVersion: string, statementStats: boolean, loadAtStart: number): MachineInfo {
  const cpuList = cpus();
  return {
    date: new Date().toISOString(),
    commit: commit(),
    node: process.version,
    os: `${platform()} ${release()}`,
    cpus: `${cpuList.length} × ${cpuList[0]?.model.trim() ?? 'unknown CPU'}`,
    memory: `${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM`,
    postgres: postgresVersion,
    load: `${loadAtStart.toFixed(2)} at start, ${loadavg()[0]!.toFixed(2)} at end, on ${cpuList.length} CPUs`,
    settings:
      `${settings.durationS} s measured after ${settings.warmupS} s warm-up per run, concurrency ${settings.concurrency.join('/')}, ` +
      `pool ${settings.poolMax} connections (Sluice and raw SQL alike), client in a separate process, all on 127.0.0.1`,
    statementCounting: statementStats
      ? `pg_stat_statements, ${countingRequests} sequential requests per workload, without BEGIN/COMMIT/ROLLBACK and set_config`
      : 'n/a (pg_stat_statements is not available in this Postgres build)',
  };
}

async function post(url: string, body: string): Promise<void> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(settings.requestTimeoutMs) });
  const text = await response.text();
  if (response.status !== 200 || hasErrors(text)) throw new Error(`HTTP ${response.status}: ${text.slice(0, 300)}`);
}

async function main(): Promise<void> {
  const loadAtStart = loadavg()[0]!;
  const runs = settings.workloads.length * settings.concurrency.length * 2;
  const deadlineMs = startupAllowanceMs + runs * ((settings.warmupS + settings.durationS) * 1000 + 15_000);
  setTimeout(() => abort(`not finished after ${Math.round(deadlineMs / 1000)} s`, 2), deadlineMs).unref();
  process.once('SIGINT', () => abort('interrupted', 130));
  process.once('SIGTERM', () => abort('terminated', 143));

  process.stderr.write('bench: starting embedded Postgres and Sluice\n');
  const started = startBenchPostgres(dataDir, logger);
  starting = started;
  postgres = await started;
  const startedSluice = startSluice(postgres.url, settings.poolMax);
  starting = startedSluice;
  sluice = await startedSluice;
  counter = await createStatementCounter(postgres.url, postgres.statementStats);
  starting = undefined;
  const running = sluice;
  const rows: ResultRow[] = [];
  for (const name of settings.workloads) {
    const workload = findWorkload(name);
    await checkWorkload(running.graphqlUrl, workload);
    const tag = `count-${Date.now()}`;
    const statementsPerRequest = await counter.perRequest(countingRequests, (i) => post(running.graphqlUrl, requestBody(workload, i, tag)));
    // One request per variant with statement logging on: the exact SQL and parameters Sluice ran.
    const statements =
      workload.kind === 'query'
        ? await running.capture(async () => {
            for (let i = 0; i < workload.variants; i++) await post(running.graphqlUrl, requestBody(workload, i, tag));
          })
        : [];
    if (workload.kind === 'query' && statements.length !== workload.variants) {
      throw new Error(`${name}: captured ${statements.length} statements for ${workload.variants} requests; expected one each`);
    }
    for (const concurrency of settings.concurrency) {
      const base = { concurrency, warmupMs: settings.warmupS * 1000, durationMs: settings.durationS * 1000, requestTimeoutMs: settings.requestTimeoutMs };
      process.stderr.write(`bench: ${name} at concurrency ${concurrency}: Sluice`);
      const rss = sampleRss();
      let peakRssBytes = 0;
      const sluiceResult = await runLoad({ ...base, target: { kind: 'graphql', url: running.graphqlUrl, workload: name } } satisfies LoadJob).finally(() => {
        peakRssBytes = rss.stop();
      });
      let raw = null;
      if (statements.length > 0) {
        process.stderr.write(', raw SQL');
        raw = await runLoad({
          ...base,
          target: { kind: 'sql', url: postgres.url, poolMax: running.poolMax, statementTimeoutMs: running.statementTimeoutMs, statements },
        });
      }
      process.stderr.write(`: ${Math.round(sluiceResult.requestsPerSecond)} req/s${raw ? ` vs ${Math.round(raw.requestsPerSecond)}` : ''}\n`);
      for (const [side, result] of [['Sluice', sluiceResult], ['raw SQL', raw]] as const) {
        if (result?.firstError) process.stderr.write(`bench:   ${side} error (${result.errors + result.warmupErrors} in all): ${result.firstError}\n`);
      }
      rows.push({ workload: name, concurrency, sluice: sluiceResult, raw, statementsPerRequest, peakRssBytes });
    }
  }
  const report = formatReport(machineInfo(postgres.version, postgres.statementStats, loadAtStart), rows, new Map(workloads.map((w) => [w.name, w.description])));
  process.stdout.write(`${report}\n`);
  await mkdir(fileURLToPath(new URL('./results/', import.meta.url)), { recursive: true });
  await writeFile(resultsPath, report);
  process.stderr.write(`bench: written to ${resultsPath}\n`);
}

try {
  await main();
} catch (error) {
  process.exitCode = 1;
  process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
} finally {
  await cleanup();
}
