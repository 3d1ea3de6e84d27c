/**
 * `npm run bench:burst`: the serverless burst, the reason Sluice exists. 1,000 concurrent callers
 * (BENCH_BURST_CALLERS), each opening a new connection for every request like a cold function,
 * for BENCH_BURST_S seconds:
 *
 * 1. through Sluice with its pool of 20: every caller's HTTP request has its own TCP connection
 *    (`Connection: close`); Postgres should never see more than the pool;
 * 2. straight to Postgres (max_connections 100), each request on its own new Postgres connection
 *    as a plain role, running the same SQL Sluice generated: the connection errors Sluice prevents.
 *
 * pg_stat_activity is sampled every 20 ms during both. The two sides are written side by side to
 * bench/results/burst-latest.md.
 */
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createLogger } from '../gateway/logging/index.js';
import { readBurstSettings } from './bench-settings.js';
import { createBenchSession } from './bench-session.js';
import { checkWorkload } from './check-workload.js';
import { formatBurstReport, type BurstSide } from './format-burst-report.js';
import { hasErrors } from './load-job.js';
import { describeMachine, loadNow } from './machine-info.js';
import { runLoad } from './run-load.js';
import { sampleConnections, waitForConnectionsToClose } from './sample-connections.js';
import { readTcpCounters, tcpCountersSince } from './read-tcp-counters.js';
import { sampleRss } from './sample-rss.js';
import { benchDataDir, startBenchPostgres } from './start-postgres.js';
import { startSluice } from './start-sluice.js';
import { findWorkload, requestBody } from './workloads.js';

const resultsPath = fileURLToPath(new URL('./results/burst-latest.md', import.meta.url));
const settings = readBurstSettings(process.env);
const log = (line: string): void => void process.stderr.write(`bench:burst: ${line}\n`);
/** The role the direct callers use: like an application's, not a superuser (no reserved slots). */
const callerRole = 'bench_caller';

/**
 * Each caller holds a socket in the load worker and one in Sluice (this process), plus Postgres
 * connections on the direct side: the soft open-files limit must leave room for all of them.
 */
function checkOpenFilesLimit(callers: number): void {
  let limit = Number.POSITIVE_INFINITY;
  try {
    const match = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    if (match && match[1] !== 'unlimited') limit = Number(match[1]);
  } catch {
    return; // not Linux: nothing to check
  }
  const needed = callers + 500;
  if (limit < needed) throw new Error(`the open-files limit is ${limit}; ${callers} callers need about ${needed}: raise it (ulimit -n ${needed * 2}) and run again`);
}

async function adminQuery<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url, application_name: 'sluice-bench' });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  checkOpenFilesLimit(settings.callers);
  const loadAtStart = loadNow();
  const dataDir = benchDataDir();
  const workload = findWorkload(settings.workload);
  const deadlineMs = 300_000 + 2 * (settings.durationS * 1000 + settings.requestTimeoutMs + 60_000);
  const session = createBenchSession('bench:burst', deadlineMs, dataDir);
  await session.run(async () => {
    log('starting embedded Postgres and Sluice');
    const postgres = await session.start(startBenchPostgres(dataDir, createLogger('warn')), (p) => p.stop());
    await adminQuery(postgres.url, `CREATE ROLE ${callerRole} LOGIN PASSWORD '${callerRole}'; GRANT SELECT ON ALL TABLES IN SCHEMA public TO ${callerRole}`);
    const callerUrl = new URL(postgres.url);
    callerUrl.username = callerRole;
    callerUrl.password = callerRole;
    const limits = (await adminQuery<{ max: string; reserved: string }>(
      postgres.url,
      "SELECT current_setting('max_connections') AS max, current_setting('superuser_reserved_connections') AS reserved",
    ))[0]!;

    const sluice = await startSluice(postgres.url, settings.poolMax, settings.backlog);
    let sluiceOpen = true;
    const closeSluice = async (): Promise<void> => {
      if (sluiceOpen) await sluice.close();
      sluiceOpen = false;
    };
    await session.start(Promise.resolve(sluice), closeSluice);
    // A warm gateway, cold callers: the plan cache is filled, as it is after the first minute.
    await checkWorkload(sluice.graphqlUrl, workload);
    const statements = await sluice.capture(async () => {
      for (let i = 0; i < workload.variants; i++) {
        const response = await fetch(sluice.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: requestBody(workload, i, 'warm') });
        const text = await response.text();
        if (response.status !== 200 || hasErrors(text)) throw new Error(`warm-up request failed (HTTP ${response.status}): ${text.slice(0, 300)}`);
      }
    });
    const base = { concurrency: settings.callers, warmupMs: 0, durationMs: settings.durationS * 1000, requestTimeoutMs: settings.requestTimeoutMs };

    log(`${settings.callers} callers through Sluice (pool ${settings.poolMax}) for ${settings.durationS} s`);
    const sluiceConnections = await sampleConnections(postgres.url);
    const rss = sampleRss();
    const tcpBefore = readTcpCounters();
    const throughSluice = await runLoad({ ...base, target: { kind: 'graphql', url: sluice.graphqlUrl, workloads: [workload.name], dialect: 'sluice', scale: 1, freshConnections: true } });
    const sluicePeakRss = rss.stop();
    const sluiceTcp = tcpCountersSince(tcpBefore, readTcpCounters());
    const sluicePeak = await sluiceConnections.stop();
    await closeSluice();
    const left = await waitForConnectionsToClose(postgres.url, 15_000);
    if (left > 0) log(`${left} connections still open before the direct burst`);

    log(`${settings.callers} callers straight to Postgres (max_connections ${limits.max}) for ${settings.durationS} s`);
    const directConnections = await sampleConnections(postgres.url);
    const directTcpBefore = readTcpCounters();
    const direct = await runLoad({ ...base, target: { kind: 'sql-connect', url: callerUrl.toString(), statementTimeoutMs: sluice.statementTimeoutMs, statements } });
    const directTcp = tcpCountersSince(directTcpBefore, readTcpCounters());
    const directPeak = await directConnections.stop();

    const sides: [BurstSide, BurstSide] = [
      { title: `through Sluice (pool ${settings.poolMax})`, result: throughSluice, connections: sluicePeak, peakRssBytes: sluicePeakRss, tcp: sluiceTcp },
      { title: 'directly to Postgres', result: direct, connections: directPeak, peakRssBytes: null, tcp: directTcp },
    ];
    const report = formatBurstReport({
      machine: describeMachine(loadAtStart),
      postgres: postgres.version,
      settings,
      workloadDescription: workload.description,
      maxConnections: Number(limits.max),
      reservedConnections: Number(limits.reserved),
      poolTimeoutMs: sluice.poolTimeoutMs,
      sides,
    });
    process.stdout.write(`${report}\n`);
    await mkdir(fileURLToPath(new URL('./results/', import.meta.url)), { recursive: true });
    await writeFile(resultsPath, report);
    log(`written to ${resultsPath}`);
  });
}

await main();
