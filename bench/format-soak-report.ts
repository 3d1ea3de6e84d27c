/**
 * The soak report: one row per interval (throughput, latency, Sluice's memory), then the trend of
 * the memory left after a full GC. The first interval is warm-up (JIT, caches, pool connections)
 * and is left out of the trend; "flat" means the memory after GC grew by at most 10 % or 10 MB,
 * whichever is larger, from the end of the first interval to the end of the last.
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

function trend(label: string, rows: readonly SoakInterval[], value: (row: SoakInterval) => number): string {
  const measured = rows.length > 1 ? rows.slice(1) : rows;
  const first = value(rows[0]!);
  const last = value(rows[rows.length - 1]!);
  const growth = last - first;
  const perMinute = slope(measured.map((row) => [row.endMinute, value(row)] as const));
  const flat = growth <= Math.max(0.1 * first, 10 * 2 ** 20);
  const share = first > 0 ? ` (${((100 * growth) / first).toFixed(1)} %)` : '';
  return `| ${label} | ${mb(first)} | ${mb(last)} | ${growth >= 0 ? '+' : ''}${mb(growth)}${share} | ${perMinute >= 0 ? '+' : ''}${mb(perMinute)} | ${flat ? 'flat' : '**growing**'} |`;
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
      'Trend from the end of interval 1 (warm-up) to the end of the last; slope by least squares over intervals 2 onwards:',
      '',
      '| memory | after interval 1 MB | at the end MB | growth MB | slope MB/min | verdict |',
      '| --- | ---: | ---: | ---: | ---: | --- |',
      trend('RSS after GC', rows, (row) => row.rssAfterGcBytes),
      trend('heap used after GC', rows, (row) => row.heapUsedAfterGcBytes),
      '',
      '"flat": grew by at most 10 % or 10 MB, whichever is larger (issue 7, item 2: memory flat over a 10-minute soak). See bench/README.md ("Soak").',
    );
  }
  lines.push('');
  return lines.join('\n');
}
