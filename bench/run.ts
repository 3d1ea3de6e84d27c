/**
 * `npm run bench`: starts a throwaway embedded Postgres with Chinook, Sluice in this process and
 * PostGraphile v5 as a child process, both on 127.0.0.1 against the same database, and for each
 * data scale, workload and concurrency runs a load worker against Sluice, PostGraphile and the same
 * SQL Sluice generated on Postgres directly (the raw-SQL floor). Prints a Markdown table and writes
 * it to bench/results/latest.md. Everything it starts it stops, also on error, Ctrl-C or when the
 * overall deadline passes.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createLogger } from '../gateway/logging/index.js';
import { readBenchSettings, type BenchSettings } from './bench-settings.js';
import { createBenchSession } from './bench-session.js';
import { checkWorkload, type AnswerShape } from './check-workload.js';
import { combineRuns, roundOrder, roundRatio } from './combine-rounds.js';
import { createStatementCounter, type StatementCounter } from './count-statements.js';
import { formatReport, type ResultRow } from './format-report.js';
import { growChinook } from './grow-chinook.js';
import { hasErrors, type LoadJob, type LoadResult, type LoadTarget } from './load-job.js';
import { describeMachine, loadNow } from './machine-info.js';
import { startCpuProfile } from './profile-cpu.js';
import { runLoad } from './run-load.js';
import { sampleRss } from './sample-rss.js';
import { startPostGraphile, type RunningPostGraphile } from './start-postgraphile.js';
import { benchDataDir, startBenchPostgres, type BenchPostgres } from './start-postgres.js';
import { startSluice, type RunningSluice } from './start-sluice.js';
import { findWorkload, requestBody, workloads, type Dialect, type Workload } from './workloads.js';

const resultsPath = fileURLToPath(new URL('./results/latest.md', import.meta.url));
/** Requests sent one by one to count statements per request. */
const countingRequests = 20;
/** Embedded Postgres start (twice), migrations, schema load, PostGraphile's install and start. */
const startupAllowanceMs = 600_000;
/** Generating the copies: about 10 s for ×10 and a minute for ×100 on the development machine. */
const growAllowanceMsPerCopy = 3_000;

const settings = readBenchSettings(process.env);
const log = (line: string): void => void process.stderr.write(`bench: ${line}\n`);

/** Sluice settings that differ from `sluice serve`'s defaults in this run, for the report header. */
function sluiceVariant(): string {
  const parts: string[] = [];
  if (process.env.SLUICE_POOL_SHARED_READS !== undefined) parts.push(`SLUICE_POOL_SHARED_READS=${process.env.SLUICE_POOL_SHARED_READS}`);
  const options = process.env.BENCH_SLUICE_PG_OPTIONS?.trim();
  if (options) parts.push(`Sluice's connections with options '${options}' (BENCH_SLUICE_PG_OPTIONS; PostGraphile and raw SQL without)`);
  return parts.length > 0 ? `; variant: ${parts.join(', ')}` : '';
}

function deadlineMs(s: BenchSettings): number {
  const runsPerScale = s.workloads.length * s.concurrency.length * (s.postgraphile ? 3 : 2) * s.rounds;
  const perRun = (s.warmupS + s.durationS) * 1000 + 15_000;
  return startupAllowanceMs + s.scales.length * runsPerScale * perRun + Math.max(...s.scales) * growAllowanceMsPerCopy;
}

async function post(url: string, body: string): Promise<void> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(settings.requestTimeoutMs) });
  const text = await response.text();
  if (response.status !== 200 || hasErrors(text)) throw new Error(`HTTP ${response.status}: ${text.slice(0, 300)}`);
}

/** Rows of the tables the workloads read, for the report's data line. */
async function dataSizes(postgres: BenchPostgres): Promise<string> {
  const client = new pg.Client({ connectionString: postgres.url, application_name: 'sluice-bench' });
  await client.connect();
  try {
    const { rows } = await client.query<{ artists: string; albums: string; tracks: string }>(
      'SELECT (SELECT count(*) FROM artist) AS artists, (SELECT count(*) FROM album) AS albums, (SELECT count(*) FROM track) AS tracks',
    );
    const row = rows[0]!;
    const n = (text: string): string => Number(text).toLocaleString('en-US');
    return `${n(row.artists)} artists, ${n(row.albums)} albums, ${n(row.tracks)} tracks`;
  } finally {
    await client.end();
  }
}

interface Sides {
  readonly postgres: BenchPostgres;
  readonly sluice: RunningSluice;
  readonly counter: StatementCounter;
  /** undefined when PostGraphile did not start (the reason is in the report). */
  readonly peer: RunningPostGraphile | undefined;
}

type Side = 'sluice' | 'postgraphile' | 'raw';
const sideNames: Record<Side, string> = { sluice: 'Sluice', postgraphile: 'PostGraphile', raw: 'raw SQL' };

function reportErrors(side: string, result: LoadResult | null): void {
  if (result?.firstError) log(`  ${side} error (${result.errors + result.warmupErrors} in all): ${result.firstError}`);
}

/**
 * Whether PostGraphile answers `workload` with the same shape as Sluice (rows at every level,
 * values in all); if not, it is not measured on this workload and a note says why.
 */
async function answersLikeSluice(peer: RunningPostGraphile, workload: Workload, scale: number, sluiceShape: AnswerShape, notes: string[]): Promise<boolean> {
  const skip = (why: string): false => {
    notes.push(`×${scale} ${workload.name}: PostGraphile not measured: ${why}`);
    return false;
  };
  try {
    const shape = await checkWorkload(peer.graphqlUrl, workload, 'postgraphile', scale);
    if (shape.rows === sluiceShape.rows && shape.values === sluiceShape.values) return true;
    return skip(`its answer has ${shape.rows} rows and ${shape.values} values, Sluice's ${sluiceShape.rows} and ${sluiceShape.values}`);
  } catch (error) {
    return skip(error instanceof Error ? error.message : String(error));
  }
}

/** Runs a load job while sampling the server's RSS (`pid`, or this process: Sluice runs in it). */
async function runWithRss(job: LoadJob, pid?: number): Promise<{ result: LoadResult; peakRss: number }> {
  const rss = sampleRss(pid);
  try {
    const result = await runLoad(job);
    return { result, peakRss: rss.stop() };
  } finally {
    rss.stop();
  }
}

/** Checks, counts and measures one workload at one scale on every side. */
async function measureWorkload(sides: Sides, workload: Workload, scale: number, notes: string[]): Promise<ResultRow[]> {
  const { sluice, postgres, counter } = sides;
  const name = workload.name;
  const shape = await checkWorkload(sluice.graphqlUrl, workload, 'sluice', scale);
  const peer = sides.peer && (await answersLikeSluice(sides.peer, workload, scale, shape, notes)) ? sides.peer : undefined;
  const tag = `count-${Date.now()}`;
  const count = (url: string, dialect: Dialect): Promise<number | null> =>
    counter.perRequest(countingRequests, (i) => post(url, requestBody(workload, i, `${tag}-${dialect}`, dialect, scale)));
  const statementsPerRequest = { sluice: await count(sluice.graphqlUrl, 'sluice'), postgraphile: peer ? await count(peer.graphqlUrl, 'postgraphile') : null };
  // One request per variant with statement logging on: the exact SQL and parameters Sluice ran.
  const statements =
    workload.kind === 'query'
      ? await sluice.capture(async () => {
          for (let i = 0; i < workload.variants; i++) await post(sluice.graphqlUrl, requestBody(workload, i, tag, 'sluice', scale));
        })
      : [];
  if (workload.kind === 'query' && statements.length !== workload.variants) {
    throw new Error(`${name}: captured ${statements.length} statements for ${workload.variants} requests; expected one each`);
  }
  const rows: ResultRow[] = [];
  for (const concurrency of settings.concurrency) {
    const base = { concurrency, warmupMs: settings.warmupS * 1000, durationMs: settings.durationS * 1000, requestTimeoutMs: settings.requestTimeoutMs };
    const graphql = (url: string, dialect: Dialect): LoadTarget => ({ kind: 'graphql', url, workloads: [name], dialect, scale, httpClient: settings.httpClient });
    const runs: Record<Side, LoadResult[]> = { sluice: [], postgraphile: [], raw: [] };
    const peaks: Record<'sluice' | 'postgraphile', number[]> = { sluice: [], postgraphile: [] };
    const measure: Record<Side, () => Promise<void>> = {
      sluice: async () => {
        // Profiling costs throughput, so only the first round is profiled.
        const profile = settings.cpuProfile && runs.sluice.length === 0 ? await startCpuProfile() : undefined;
        const { result, peakRss } = await runWithRss({ ...base, target: graphql(sluice.graphqlUrl, 'sluice') });
        runs.sluice.push(result);
        peaks.sluice.push(peakRss);
        if (profile) {
          const summary = await profile.stop(`sluice-x${scale}-${name}-c${concurrency}`);
          await writeFile(summary.path.replace(/\.cpuprofile$/, '.md'), `${summary.lines.join('\n')}\n`);
          process.stderr.write(`\nbench:   CPU profile written to ${summary.path}; top code areas:\n${summary.lines.slice(0, 10).join('\n')}\n`);
        }
      },
      postgraphile: async () => {
        const { result, peakRss } = await runWithRss({ ...base, target: graphql(peer!.graphqlUrl, 'postgraphile') }, peer!.pid);
        runs.postgraphile.push(result);
        peaks.postgraphile.push(peakRss);
      },
      raw: async () => {
        runs.raw.push(await runLoad({ ...base, target: { kind: 'sql', url: postgres.url, poolMax: sluice.poolMax, statementTimeoutMs: sluice.statementTimeoutMs, heapPrimeKb: sluice.heapPrimeKb, statements } }));
      },
    };
    const sides: Side[] = ['sluice', ...(peer ? (['postgraphile'] as const) : []), ...(statements.length > 0 ? (['raw'] as const) : [])];
    for (let round = 0; round < settings.rounds; round++) {
      const roundLabel = settings.rounds > 1 ? ` (round ${round + 1} of ${settings.rounds})` : '';
      process.stderr.write(`bench: ×${scale} ${name} at concurrency ${concurrency}${roundLabel}: `);
      const order = roundOrder(sides, round);
      for (const [i, side] of order.entries()) {
        process.stderr.write(`${i > 0 ? ', ' : ''}${sideNames[side]}`);
        await measure[side]();
      }
      const figures = sides.map((side) => `${sideNames[side]} ${Math.round(runs[side].at(-1)!.requestsPerSecond)}`).join(' / ');
      process.stderr.write(`: ${figures} req/s\n`);
    }
    const sluiceResult = combineRuns(runs.sluice);
    const peerResult = runs.postgraphile.length > 0 ? combineRuns(runs.postgraphile) : null;
    const raw = runs.raw.length > 0 ? combineRuns(runs.raw) : null;
    reportErrors('Sluice', sluiceResult);
    reportErrors('PostGraphile', peerResult);
    reportErrors('raw SQL', raw);
    rows.push({
      scale,
      workload: name,
      concurrency,
      sluice: sluiceResult,
      postgraphile: peerResult,
      raw,
      statementsPerRequest,
      rootFields: workload.rootFields,
      kind: workload.kind,
      peakRssBytes: { sluice: Math.max(...peaks.sluice), postgraphile: peaks.postgraphile.length > 0 ? Math.max(...peaks.postgraphile) : null },
      ratios: {
        postgraphile: peer ? roundRatio(runs.sluice, runs.postgraphile) : null,
        raw: raw ? roundRatio(runs.sluice, runs.raw) : null,
        floorOverPostgraphile: peer && raw ? roundRatio(runs.raw, runs.postgraphile) : null,
      },
    });
  }
  return rows;
}

async function main(): Promise<void> {
  const loadAtStart = loadNow();
  const dataDir = benchDataDir();
  const session = createBenchSession('bench', deadlineMs(settings), dataDir);
  await session.run(async () => {
    log('starting embedded Postgres and Sluice');
    const logger = createLogger('warn');
    const postgres = await session.start(startBenchPostgres(dataDir, logger), (p) => p.stop());
    const sluice = await session.start(startSluice(postgres.url, settings.poolMax), (s) => s.close());
    const counter = await session.start(createStatementCounter(postgres.url, postgres.statementStats), (c) => c.close());
    let peer: RunningPostGraphile | undefined;
    let peerLine = 'not run — BENCH_POSTGRAPHILE=0';
    if (settings.postgraphile) {
      log('starting PostGraphile v5');
      peer = await session.start(startPostGraphile(postgres.url, settings.poolMax, log), (p) => p.close()).catch((error: unknown) => {
        peerLine = `not run — ${error instanceof Error ? error.message : String(error)}`;
        log(`PostGraphile ${peerLine}`);
        return undefined;
      });
      if (peer) peerLine = `${peer.version}; Node ${peer.node} (its own process), pool ${settings.poolMax} connections`;
    }
    const sides: Sides = { postgres, sluice, counter, peer };
    const rows: ResultRow[] = [];
    const notes: string[] = [
      'Noisy: client, Sluice, PostGraphile and Postgres share this machine with other work (other engineers run tests on the same cores); see the load average. Repeat before trusting a difference under 20 %.',
    ];
    const data: string[] = [];
    for (const scale of settings.scales) {
      if (scale > 1) log(`growing Chinook to ×${scale}`);
      const seconds = await growChinook(postgres.url, scale);
      data.push(`×${scale}: ${await dataSizes(postgres)}${seconds > 0 ? `, copies generated in ${seconds.toFixed(1)} s` : ''}`);
      for (const name of settings.workloads) rows.push(...(await measureWorkload(sides, findWorkload(name), scale, notes)));
    }
    const machine = {
      ...describeMachine(loadAtStart),
      postgres: postgres.version,
      postgraphile: peerLine,
      data,
      settings:
        `${settings.durationS} s measured after ${settings.warmupS} s warm-up per run, ` +
        `${settings.rounds > 1 ? `${settings.rounds} rounds (sides taking turns), ` : ''}concurrency ${settings.concurrency.join('/')}, ` +
        `pool ${settings.poolMax} connections (Sluice, PostGraphile and raw SQL alike), client in a separate process, all on 127.0.0.1` +
        sluiceVariant(),
      statementCounting: postgres.statementStats
        ? `pg_stat_statements, ${countingRequests} sequential requests per workload and server, without BEGIN/COMMIT/ROLLBACK and set_config`
        : 'n/a (pg_stat_statements is not available in this Postgres build)',
    };
    const report = formatReport(machine, rows, new Map(workloads.map((w) => [w.name, w.description])), notes);
    process.stdout.write(`${report}\n`);
    await mkdir(fileURLToPath(new URL('./results/', import.meta.url)), { recursive: true });
    await writeFile(resultsPath, report);
    log(`written to ${resultsPath}`);
  });
}

await main();
