/**
 * The results as Markdown: what ran where, then per data scale one row per workload and
 * concurrency (Sluice, PostGraphile, the raw-SQL floor and the ratios), then the issue's targets
 * at concurrency 32 checked against those rows. Numbers are rounded for reading, not for
 * comparison across machines (see README, "How to read the table").
 */
import type { RoundRatio } from './combine-rounds.js';
import type { LoadResult } from './load-job.js';
import type { Machine } from './machine-info.js';

export interface MachineInfo extends Machine {
  readonly postgres: string;
  readonly settings: string;
  readonly statementCounting: string;
  /** Versions and Node of the peer, or "not run — <reason>". */
  readonly postgraphile: string;
  /** One line per scale: sizes and how long generating it took. */
  readonly data: readonly string[];
}

export interface ResultRow {
  readonly scale: number;
  readonly workload: string;
  readonly concurrency: number;
  /** Each side's figures: the median over the rounds (combineRuns) when there were several. */
  readonly sluice: LoadResult;
  /** null when PostGraphile did not run. */
  readonly postgraphile: LoadResult | null;
  /** null for the mutation (no raw-SQL floor in this version). */
  readonly raw: LoadResult | null;
  /** null when pg_stat_statements is not available (or the peer did not run). */
  readonly statementsPerRequest: { readonly sluice: number | null; readonly postgraphile: number | null };
  readonly rootFields: number;
  readonly kind: 'query' | 'mutation';
  readonly peakRssBytes: { readonly sluice: number; readonly postgraphile: number | null };
  /** Sluice's throughput over each other side's, round by round; null where that side did not run. */
  readonly ratios: {
    readonly postgraphile: RoundRatio | null;
    readonly raw: RoundRatio | null;
    /** The floor's throughput over PostGraphile's: the most any gateway sending this SQL could reach. */
    readonly floorOverPostgraphile: RoundRatio | null;
  };
}

const na = 'n/a';
/** The concurrency at which the issue's targets are stated. */
const targetConcurrency = 32;

function fixed(value: number | null | undefined, digits: number): string {
  return value === null || value === undefined ? na : value.toFixed(digits);
}

function rate(result: LoadResult | null): string {
  if (!result) return na;
  const value = result.requestsPerSecond;
  return value >= 100 ? Math.round(value).toLocaleString('en-US') : value.toFixed(1);
}

function errors(result: LoadResult | null): string {
  if (!result) return na;
  return result.warmupErrors > 0 ? `${result.errors} (+${result.warmupErrors})` : String(result.errors);
}

function ratio(value: RoundRatio | null, percent: boolean): string {
  if (!value) return na;
  const shown = (x: number): string => (percent ? `${(100 * x).toFixed(0)} %` : `${x.toFixed(2)}×`);
  // Over several rounds, the range shows how far one round's ratio can be trusted.
  return value.rounds > 1 ? `${shown(value.median)} (${shown(value.min)}–${shown(value.max)})` : shown(value.median);
}

function megabytes(bytes: number | null): string {
  return bytes === null || bytes === 0 ? na : (bytes / 2 ** 20).toFixed(0);
}

function resultTable(rows: readonly ResultRow[]): string[] {
  const lines = [
    '| workload | conc. | Sluice req/s | p50 ms | p99 ms | PostGraphile req/s | p50 ms | p99 ms | raw SQL req/s | p50 ms | p99 ms | Sluice / PostGraphile | Sluice / raw | errors S / PG / raw | SQL stmts/req S / PG | peak RSS MB S / PG |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const row of rows) {
    const { sluice, postgraphile: peer, raw } = row;
    lines.push(
      `| ${row.workload} | ${row.concurrency} | ${rate(sluice)} | ${fixed(sluice.p50Ms, 2)} | ${fixed(sluice.p99Ms, 2)} | ` +
        `${rate(peer)} | ${fixed(peer?.p50Ms, 2)} | ${fixed(peer?.p99Ms, 2)} | ` +
        `${rate(raw)} | ${fixed(raw?.p50Ms, 2)} | ${fixed(raw?.p99Ms, 2)} | ` +
        `${ratio(row.ratios.postgraphile, false)} | ${ratio(row.ratios.raw, true)} | ` +
        `${errors(sluice)} / ${errors(peer)} / ${errors(raw)} | ` +
        `${fixed(row.statementsPerRequest.sluice, 2)} / ${fixed(row.statementsPerRequest.postgraphile, 2)} | ` +
        `${megabytes(row.peakRssBytes.sluice)} / ${megabytes(row.peakRssBytes.postgraphile)} |`,
    );
  }
  return lines;
}

interface TargetCheck {
  readonly target: string;
  /** Workload → whether it meets the target and the figure shown. */
  readonly results: ReadonlyArray<{ readonly workload: string; readonly met: boolean; readonly figure: string }>;
}

function verdict(check: TargetCheck): string {
  if (check.results.length === 0) return `| ${check.target} | not measured | |`;
  const missed = check.results.filter((r) => !r.met);
  const figures = check.results.map((r) => `${r.workload} ${r.figure}${r.met ? '' : ' ✗'}`).join(', ');
  return `| ${check.target} | ${missed.length === 0 ? 'met' : `**not met** (${missed.length} of ${check.results.length})`} | ${figures} |`;
}

function targetChecks(rows: readonly ResultRow[]): TargetCheck[] {
  const at = rows.filter((row) => row.concurrency === targetConcurrency);
  const withPeer = at.filter((row) => row.postgraphile && row.ratios.postgraphile);
  const times = (row: ResultRow): number => row.ratios.postgraphile!.median;
  const reads = withPeer.filter((row) => row.kind === 'query');
  const wideAndNested = withPeer.filter((row) => ['wide_list', 'nested_2', 'nested_3'].includes(row.workload));
  const floors = at.filter((row) => ['by_pk', 'filter_order_limit'].includes(row.workload) && row.ratios.raw);
  const counted = at.filter((row) => row.statementsPerRequest.sluice !== null);
  const p99 = withPeer.filter((row) => row.sluice.p99Ms !== null && row.postgraphile!.p99Ms !== null);
  return [
    {
      target: 'throughput ≥ 1.5× PostGraphile on every read workload',
      results: reads.map((row) => {
        const met = times(row) >= 1.5;
        // A miss also shows how far the floor itself is ahead of PostGraphile: the ceiling for Sluice.
        const floor = row.ratios.floorOverPostgraphile;
        return { workload: row.workload, met, figure: `${times(row).toFixed(2)}×${!met && floor ? ` (floor ${floor.median.toFixed(2)}×)` : ''}` };
      }),
    },
    { target: 'throughput ≥ 3× PostGraphile on wide and nested', results: wideAndNested.map((row) => ({ workload: row.workload, met: times(row) >= 3, figure: `${times(row).toFixed(2)}×` })) },
    {
      target: "p99 lower than PostGraphile's",
      results: p99.map((row) => ({ workload: row.workload, met: row.sluice.p99Ms! < row.postgraphile!.p99Ms!, figure: `${row.sluice.p99Ms!.toFixed(1)} vs ${row.postgraphile!.p99Ms!.toFixed(1)} ms` })),
    },
    {
      target: 'Sluice ≥ 60 % of the raw-SQL floor on by_pk and filtered lists',
      results: floors.map((row) => {
        const share = row.ratios.raw!.median;
        return { workload: row.workload, met: share >= 0.6, figure: `${(100 * share).toFixed(0)} %` };
      }),
    },
    {
      target: 'one statement per root field',
      results: counted.map((row) => ({
        workload: row.workload,
        met: Math.abs(row.statementsPerRequest.sluice! - row.rootFields) < 0.01,
        figure: `${row.statementsPerRequest.sluice!.toFixed(2)} for ${row.rootFields}`,
      })),
    },
  ];
}

export function formatReport(machine: MachineInfo, rows: readonly ResultRow[], descriptions: ReadonlyMap<string, string>, notes: readonly string[] = []): string {
  const lines = [
    '# Sluice benchmark: Sluice, PostGraphile v5 and the raw-SQL floor',
    '',
    ...notes.map((note) => `> ${note}`),
    ...(notes.length > 0 ? [''] : []),
    `- date: ${machine.date}`,
    `- commit: ${machine.commit}`,
    `- machine: ${machine.cpus}, ${machine.memory}, ${machine.os}`,
    `- Node ${machine.node} (harness and Sluice), PostgreSQL ${machine.postgres} (embedded, fsync off, same host)`,
    `- PostGraphile: ${machine.postgraphile}`,
    `- load average (1 min): ${machine.load}`,
    `- settings: ${machine.settings}`,
    `- SQL statements per request: ${machine.statementCounting}`,
    ...machine.data.map((line) => `- data: ${line}`),
  ];
  const rounds = Math.max(...rows.map((row) => row.ratios.postgraphile?.rounds ?? row.ratios.raw?.rounds ?? 1));
  for (const scale of [...new Set(rows.map((row) => row.scale))]) {
    const ofScale = rows.filter((row) => row.scale === scale);
    lines.push('', `## Chinook ×${scale}`, '', ...resultTable(ofScale));
    const checks = targetChecks(ofScale);
    if (ofScale.some((row) => row.concurrency === targetConcurrency)) {
      lines.push('', `Targets (issue 7, item 2) at concurrency ${targetConcurrency}, Chinook ×${scale}:`, '', '| target | result | figures |', '| --- | --- | --- |');
      for (const check of checks) lines.push(verdict(check));
      lines.push('| memory flat over a 10-minute soak | see `npm run bench:soak` (`results/soak-latest.md`) | |');
      if (rounds === 1) {
        // On a shared machine one busy stretch on one side can flip a verdict near its line.
        lines.push('', 'One round per side: a verdict near its line can be one busy stretch on one side. Judge the targets on `BENCH_ROUNDS=3` (bench/README.md, "Rounds").');
      }
    }
  }
  lines.push('', 'Workloads:', '');
  for (const name of new Set(rows.map((row) => row.workload))) lines.push(`- \`${name}\`: ${descriptions.get(name) ?? ''}`);
  lines.push(
    '',
    'req/s counts successful requests completed in the measured window; latencies are of those requests. ' +
      'errors: failed requests in the window, (+n) during warm-up. ' +
      'raw SQL runs the statements Sluice generated, with the same parameters, on a pg.Pool of the same size (named prepared statements): the floor. ' +
      'Sluice / PostGraphile is the throughput ratio (above 1× Sluice is faster); Sluice / raw is Sluice\'s share of the floor. ' +
      'Peak RSS: Sluice runs inside the harness process (included); PostGraphile is its own process. See bench/README.md for caveats.',
  );
  if (rounds > 1) {
    lines.push(
      '',
      `Rounds: every workload and concurrency ran ${rounds} times on each side, the sides taking turns. ` +
        'req/s, p50 and p99 are the medians over the rounds, errors their sum and peak RSS their maximum. ' +
        'A ratio is taken within each round (runs seconds apart) and shown as the median of those, with the lowest and highest in brackets; ' +
        'it can differ a little from the quotient of the two medians. The targets are judged on the medians.',
    );
  }
  lines.push('');
  return lines.join('\n');
}
