/**
 * The soak report: one row per interval (throughput, latency, Sluice's memory), then the trend of
 * the memory left after a full GC. The first interval is warm-up (JIT, caches, pool connections)
 * and is left out of the trend (see `trend` for what "flat" means).
 */
import type { SoakSettings } from './bench-settings.js';
import type { LoadResult } from './load-job.js';
import type { Machine } from './machine-info.js';

export interface SoakInterval {
  /** Minutes since the load began, at the end of this interval. */
  readonly endMinute: number;
  readonly result: LoadResult;
  /** Highest RSS sampled (every second) during the interval. */
  readonly peakRssBytes: number;
  readonly rssAfterGcBytes: number;
  readonly heapUsedAfterGcBytes: number;
  readonly externalBytes: number;
}

export interface SoakReportInput {
  readonly machine: Machine;
  readonly postgres: string;
  readonly settings: SoakSettings;
  /** Whether a full GC could be forced (Node's --expose-gc). */
  readonly exposedGc: boolean;
  /** Memory after start-up and one checked request per workload, before the load. */
  readonly start: { readonly rssBytes: number; readonly heapUsedBytes: number };
  readonly workloadNames: readonly string[];
  readonly rows: readonly SoakInterval[];
}

const mb = (bytes: number): string => (bytes / 2 ** 20).toFixed(1);

/** Least-squares slope of y over x. */
function slope(points: ReadonlyArray<readonly [number, number]>): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const sxx = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  const sxy = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  return sxx === 0 ? 0 : sxy / sxx;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * RSS after a GC still moves by tens of MB from one interval to the next (freed buffers, malloc
 * arenas), so single readings are compared through medians: of the first third of the intervals
 * after warm-up and of the last third. Flat means neither that difference nor the least-squares
 * slope projected over the run exceeds 10 % or 10 MB, whichever is larger.
 */
function trend(label: string, rows: readonly SoakInterval[], value: (row: SoakInterval) => number): string {
  const measured = rows.length > 1 ? rows.slice(1) : rows;
  const third = Math.max(1, Math.floor(measured.length / 3));
  const early = median(measured.slice(0, third).map(value));
  const late = median(measured.slice(-third).map(value));
  const growth = late - early;
  const perMinute = slope(measured.map((row) => [row.endMinute, value(row)] as const));
  const span = measured[measured.length - 1]!.endMinute - measured[0]!.endMinute;
  const bound = Math.max(0.1 * early, 10 * 2 ** 20);
  const flat = growth <= bound && perMinute * span <= bound;
  const signed = (bytes: number): string => `${bytes >= 0 ? '+' : ''}${mb(bytes)}`;
  const share = early > 0 ? ` (${((100 * growth) / early).toFixed(1)} %)` : '';
  const first = rows.length > 1 ? 2 : 1;
  const which = (from: number, to: number): string => (from === to ? `${from}` : `${from}–${to}`);
  return (
    `| ${label} | ${mb(early)} (${which(first, first + third - 1)}) | ${mb(late)} (${which(rows.length - third + 1, rows.length)}) | ` +
    `${signed(growth)}${share} | ${signed(perMinute)} | ${flat ? 'flat' : '**growing**'} |`
  );
}

export function formatSoakReport(input: SoakReportInput): string {
  const { machine, settings, rows } = input;
  const minutes = settings.durationS / 60;
  const lines = [
    `# Sluice soak: ${minutes % 1 === 0 ? minutes : minutes.toFixed(1)} minutes of steady load, memory over time`,
    '',
    '> Noisy: the client, Sluice and Postgres share this machine with other work (other engineers run tests on the same cores); see the load average.',
    '',
    `- date: ${machine.date}`,
    `- commit: ${machine.commit}`,
    `- machine: ${machine.cpus}, ${machine.memory}, ${machine.os}`,
    `- Node ${machine.node}, PostgreSQL ${input.postgres} (embedded, fsync off, same host, all on 127.0.0.1)`,
    `- load average (1 min): ${machine.load}`,
    `- load: concurrency ${settings.concurrency}, keep-alive, every workload in rotation (${input.workloadNames.join(', ')}), ` +
      `${rows.length} intervals of ${settings.intervalS} s (a fresh load-generator process each), pool ${settings.poolMax}`,
    `- memory: Sluice's process (the harness runs in it too), ${input.exposedGc ? 'after a forced full GC at the end of each interval' : 'without a forced GC (Node was started without --expose-gc; use npm run bench:soak)'}; ` +
      `before the load: RSS ${mb(input.start.rssBytes)} MB, heap used ${mb(input.start.heapUsedBytes)} MB`,
    '',
    '| interval | ends at min | req/s | p50 ms | p99 ms | errors | peak RSS MB | RSS after GC MB | heap used after GC MB | external MB |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (row, i) =>
        `| ${i + 1} | ${row.endMinute.toFixed(1)} | ${Math.round(row.result.requestsPerSecond)} | ${row.result.p50Ms?.toFixed(1) ?? 'n/a'} | ${row.result.p99Ms?.toFixed(1) ?? 'n/a'} | ` +
        `${row.result.errors} | ${mb(row.peakRssBytes)} | ${mb(row.rssAfterGcBytes)} | ${mb(row.heapUsedAfterGcBytes)} | ${mb(row.externalBytes)} |`,
    ),
  ];
  if (rows.length > 0) {
    lines.push(
      '',
      'Trend after warm-up (interval 1 is left out): medians of the first and the last third of the intervals, and the least-squares slope over intervals 2 onwards:',
      '',
      '| memory after GC | early median MB (intervals) | late median MB (intervals) | growth MB | slope MB/min | verdict |',
      '| --- | ---: | ---: | ---: | ---: | --- |',
      trend('RSS', rows, (row) => row.rssAfterGcBytes),
      trend('V8 heap used', rows, (row) => row.heapUsedAfterGcBytes),
      '',
      '"flat": neither the growth between the medians nor the slope over the run exceeds 10 % or 10 MB, whichever is larger ' +
        '(issue 7, item 2: memory flat over a 10-minute soak). See bench/README.md ("bench:soak").',
    );
  }
  lines.push('');
  return lines.join('\n');
}
