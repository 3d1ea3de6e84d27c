/**
 * `npm run bench:soak`: Sluice under steady load for BENCH_SOAK_MIN minutes (default 10), every
 * workload in rotation (reads and the mutation) at BENCH_SOAK_CONCURRENCY (default 32), with its
 * memory sampled over time: does it stay flat? The run is cut into intervals (about 20); after each
 * one a full GC runs (npm run bench:soak starts Node with --expose-gc) and the memory left is
 * recorded, so that growth shows as a trend rather than as GC timing noise. Written to
 * bench/results/soak-latest.md.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { createLogger } from '../gateway/logging/index.js';
import { readSoakSettings } from './bench-settings.js';
import { createBenchSession } from './bench-session.js';
import { checkWorkload } from './check-workload.js';
import { formatSoakReport, type SoakInterval } from './format-soak-report.js';
import { describeMachine, loadNow } from './machine-info.js';
import { runLoad } from './run-load.js';
import { sampleRss } from './sample-rss.js';
import { benchDataDir, startBenchPostgres } from './start-postgres.js';
import { startSluice } from './start-sluice.js';
import { workloads } from './workloads.js';

const resultsPath = fileURLToPath(new URL('./results/soak-latest.md', import.meta.url));
const settings = readSoakSettings(process.env);
const log = (line: string): void => void process.stderr.write(`bench:soak: ${line}\n`);

/** Collects garbage when Node was started with --expose-gc; reports whether it could. */
function collectGarbage(): boolean {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return false;
  gc();
  return true;
}

async function main(): Promise<void> {
  const loadAtStart = loadNow();
  const dataDir = benchDataDir();
  const intervals = Math.ceil(settings.durationS / settings.intervalS);
  const deadlineMs = 300_000 + intervals * (settings.intervalS * 1000 + settings.requestTimeoutMs + 30_000);
  const session = createBenchSession('bench:soak', deadlineMs, dataDir);
  await session.run(async () => {
    log('starting embedded Postgres and Sluice');
    const postgres = await session.start(startBenchPostgres(dataDir, createLogger('warn')), (p) => p.stop());
    const sluice = await session.start(startSluice(postgres.url, settings.poolMax), (s) => s.close());
    for (const workload of workloads) await checkWorkload(sluice.graphqlUrl, workload);
    const exposedGc = collectGarbage();
    const start = { rssBytes: process.memoryUsage.rss(), heapUsedBytes: process.memoryUsage().heapUsed };
    const rows: SoakInterval[] = [];
    const startedAt = performance.now();
    log(`${intervals} intervals of ${settings.intervalS} s at concurrency ${settings.concurrency}`);
    for (let i = 0; i < intervals; i++) {
      const durationMs = Math.min(settings.intervalS * 1000, settings.durationS * 1000 - i * settings.intervalS * 1000);
      const rss = sampleRss(undefined, 1000);
      const result = await runLoad({
        concurrency: settings.concurrency,
        warmupMs: 0,
        durationMs,
        requestTimeoutMs: settings.requestTimeoutMs,
        target: { kind: 'graphql', url: sluice.graphqlUrl, workloads: workloads.map((w) => w.name), dialect: 'sluice', scale: 1 },
      }).finally(() => rss.stop());
      const peakRssBytes = rss.stop();
      collectGarbage();
      const memory = process.memoryUsage();
      rows.push({
        endMinute: (performance.now() - startedAt) / 60_000,
        result,
        peakRssBytes,
        rssAfterGcBytes: memory.rss,
        heapUsedAfterGcBytes: memory.heapUsed,
        externalBytes: memory.external,
      });
      log(`interval ${i + 1}/${intervals}: ${Math.round(result.requestsPerSecond)} req/s, RSS ${(memory.rss / 2 ** 20).toFixed(0)} MB, heap ${(memory.heapUsed / 2 ** 20).toFixed(1)} MB`);
      if (result.firstError) log(`  error (${result.errors + result.warmupErrors} in all): ${result.firstError}`);
    }
    const report = formatSoakReport({
      machine: describeMachine(loadAtStart),
      postgres: postgres.version,
      settings,
      exposedGc,
      start,
      workloadNames: workloads.map((w) => w.name),
      rows,
    });
    process.stdout.write(`${report}\n`);
    await mkdir(fileURLToPath(new URL('./results/', import.meta.url)), { recursive: true });
    await writeFile(resultsPath, report);
    log(`written to ${resultsPath}`);
  });
}

await main();
