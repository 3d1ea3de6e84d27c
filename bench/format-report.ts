/**
 * The results as Markdown: what ran where, then one row per workload and concurrency. Numbers are
 * rounded for reading, not for comparison across machines (see README, "How to read the table").
 */
import type { LoadResult } from './load-job.js';

export interface MachineInfo {
  readonly date: string;
  readonly commit: string;
  readonly node: string;
  readonly os: string;
  readonly cpus: string;
  readonly memory: string;
  readonly postgres: string;
  /** 1-minute load average before and after the run: other processes on a shared host show here. */
  readonly load: string;
  readonly settings: string;
  readonly statementCounting: string;
}

export interface ResultRow {
  readonly workload: string;
  readonly concurrency: number;
  readonly sluice: LoadResult;
  /** null for the mutation (no raw-SQL floor in this version). */
  readonly raw: LoadResult | null;
  /** null when pg_stat_statements is not available. */
  readonly statementsPerRequest: number | null;
  readonly peakRssBytes: number;
}

const na = 'n/a';

function fixed(value: number | null, digits: number): string {
  return value === null ? na : value.toFixed(digits);
}

function rate(value: number): string {
  return value >= 100 ? Math.round(value).toLocaleString('en-US') : value.toFixed(1);
}

function errors(result: LoadResult): string {
  return result.warmupErrors > 0 ? `${result.errors} (+${result.warmupErrors} in warm-up)` : String(result.errors);
}

export function formatReport(machine: MachineInfo, rows: readonly ResultRow[], descriptions: ReadonlyMap<string, string>): string {
  const lines = [
    '# Sluice benchmark',
    '',
    `- date: ${machine.date}`,
    `- commit: ${machine.commit}`,
    `- machine: ${machine.cpus}, ${machine.memory}, ${machine.os}`,
    `- Node ${machine.node}, PostgreSQL ${machine.postgres} (embedded, fsync off, same host)`,
    `- load average (1 min): ${machine.load}`,
    `- settings: ${machine.settings}`,
    `- SQL statements per request: ${machine.statementCounting}`,
    '',
    '| workload | conc. | Sluice req/s | p50 ms | p99 ms | errors | raw SQL req/s | raw p50 ms | raw p99 ms | Sluice / raw | SQL stmts/req | peak RSS MB |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const row of rows) {
    const { sluice, raw } = row;
    const ratio = raw && raw.requestsPerSecond > 0 ? `${((100 * sluice.requestsPerSecond) / raw.requestsPerSecond).toFixed(0)} %` : na;
    lines.push(
      `| ${row.workload} | ${row.concurrency} | ${rate(sluice.requestsPerSecond)} | ${fixed(sluice.p50Ms, 2)} | ${fixed(sluice.p99Ms, 2)} | ${errors(sluice)} | ` +
        `${raw ? rate(raw.requestsPerSecond) : na} | ${raw ? fixed(raw.p50Ms, 2) : na} | ${raw ? fixed(raw.p99Ms, 2) : na} | ${ratio} | ` +
        `${fixed(row.statementsPerRequest, 2)} | ${(row.peakRssBytes / 2 ** 20).toFixed(0)} |`,
    );
  }
  lines.push('', 'Workloads:', '');
  for (const name of new Set(rows.map((row) => row.workload))) lines.push(`- \`${name}\`: ${descriptions.get(name) ?? ''}`);
  lines.push(
    '',
    'req/s counts successful requests completed in the measured window; latencies are of those requests. ' +
      'raw SQL runs the statements Sluice generated, with the same parameters, on a pg.Pool of the same size (named prepared statements). ' +
      'PostGraphile is not compared in this version. See bench/README.md for caveats.',
    '',
  );
  return lines.join('\n');
}
