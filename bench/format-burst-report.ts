/**
 * The burst benchmark's report: the same burst through Sluice and straight to Postgres, side by
 * side, then the issue's expectations checked against it (item 4: no errors, bounded p99, no more
 * Postgres connections than the pool through Sluice; connection errors directly).
 */
import type { BurstSettings } from './bench-settings.js';
import type { LatencySummary, LoadResult } from './load-job.js';
import type { Machine } from './machine-info.js';
import type { TcpCounters } from './read-tcp-counters.js';
import type { ConnectionPeak } from './sample-connections.js';

export interface BurstSide {
  readonly title: string;
  readonly result: LoadResult;
  readonly connections: ConnectionPeak;
  /** Peak RSS of the Sluice process during its burst; null for the direct side. */
  readonly peakRssBytes: number | null;
  /** Listen-queue overflows on the host during this side's burst; null where unknown. */
  readonly tcp: TcpCounters | null;
}

export interface BurstReportInput {
  readonly machine: Machine;
  readonly postgres: string;
  readonly settings: BurstSettings;
  readonly workloadDescription: string;
  readonly maxConnections: number;
  readonly reservedConnections: number;
  readonly poolTimeoutMs: number;
  readonly sides: readonly [BurstSide, BurstSide];
}

/**
 * Little's law: with `callers` always waiting for an answer, the mean latency is callers ÷
 * throughput whatever the server does; a p99 far above it means some callers starve.
 */
const queueingFor = (callers: number) => (result: LoadResult): number => (1000 * callers) / Math.max(result.requestsPerSecond, 1e-9);

/**
 * Every answer within the callers' timeout, and no caller starving once the load runs: the later
 * requests' p99 within twice the mean wait. Each caller's first request is left out of the second
 * rule: all of them are sent at the same moment, so they measure how long the last of a thousand
 * simultaneous arrivals waits, and the load generator's own cold start (a thousand sockets opened
 * at once by one process), not a caller starving. They are reported on their own row.
 */
export function boundedP99(result: LoadResult, timeoutMs: number, queueingMs: number): boolean {
  const p99 = result.laterRequests?.p99Ms ?? result.p99Ms;
  return result.maxMs !== null && result.maxMs < timeoutMs && p99 !== null && p99 <= 2 * queueingMs;
}

const number = (value: number): string => Math.round(value).toLocaleString('en-US');
const ms = (value: number | null): string => (value === null ? 'n/a' : value.toFixed(1));

function kinds(result: LoadResult): string {
  const entries = Object.entries(result.errorKinds).sort((a, b) => b[1] - a[1]);
  return entries.length === 0 ? 'none' : entries.map(([kind, n]) => `${kind}: ${number(n)}`).join('; ');
}

function split(summary: LatencySummary | undefined): string {
  return summary ? `${ms(summary.p50Ms)} / ${ms(summary.p99Ms)} / ${ms(summary.maxMs)} (${number(summary.requests)})` : 'n/a';
}

function connections(peak: ConnectionPeak): string {
  const parts = Object.entries(peak.byApplication)
    .filter(([, n]) => n > 0)
    .map(([name, n]) => `${name || '(none)'} ${n}`)
    .join(', ');
  return `${peak.total} (${parts || 'none'})`;
}

export function formatBurstReport(input: BurstReportInput): string {
  const { machine, settings, sides } = input;
  const [sluice, direct] = sides;
  const queueing = queueingFor(settings.callers);
  const row = (label: string, cell: (side: BurstSide) => string): string => `| ${label} | ${cell(sluice)} | ${cell(direct)} |`;
  const poolConnections = sluice.connections.byApplication.sluice ?? 0;
  const outsidePool = Object.entries(sluice.connections.byApplication)
    .filter(([name, n]) => name !== 'sluice' && n > 0)
    .map(([name, n]) => `${name} ${n}`)
    .join(', ');
  const checks = [
    [`through Sluice, no failed request`, sluice.result.errors === 0, `${number(sluice.result.errors)} failed`],
    [
      "through Sluice, p99 bounded: every answer within the callers' timeout, and once the burst has arrived (each caller's later requests) p99 within 2× the queueing time callers ÷ throughput (no caller starves)",
      boundedP99(sluice.result, settings.requestTimeoutMs, queueing(sluice.result)),
      `p99 ${ms(sluice.result.p99Ms)} ms (first requests ${ms(sluice.result.firstRequests?.p99Ms ?? null)}, later ${ms(sluice.result.laterRequests?.p99Ms ?? null)}), ` +
        `max ${ms(sluice.result.maxMs)} ms; ${number(settings.callers)} ÷ ${number(sluice.result.requestsPerSecond)}/s = ${ms(queueing(sluice.result))} ms`,
    ],
    [
      `through Sluice, Postgres never sees more than the pool's ${settings.poolMax} connections`,
      poolConnections <= settings.poolMax,
      `pool ${poolConnections} at most` + (outsidePool ? ` (outside the pool: ${outsidePool})` : ''),
    ],
    [
      'directly, callers get connection errors',
      direct.result.errors > 0,
      `${number(direct.result.errors)} failed of ${number(direct.result.errors + direct.result.requests)}`,
    ],
  ] as const;
  return [
    `# Sluice burst benchmark: ${number(settings.callers)} cold callers, through Sluice and directly to Postgres`,
    '',
    '> Noisy: the callers (one load-generator process), Sluice and Postgres share this machine with other work (other engineers run tests on the same cores); see the load average.',
    '',
    `- date: ${machine.date}`,
    `- commit: ${machine.commit}`,
    `- machine: ${machine.cpus}, ${machine.memory}, ${machine.os}`,
    `- Node ${machine.node}, PostgreSQL ${input.postgres} (embedded, fsync off, same host, all on 127.0.0.1)`,
    `- load average (1 min): ${machine.load}`,
    `- burst: ${number(settings.callers)} concurrent callers for ${settings.durationS} s each side, each sending its next request as soon as the previous one ends, ` +
      'every request on a new connection (HTTP `Connection: close` through Sluice; a new Postgres connection, connect → query → close, directly)',
    `- request: \`${settings.workload}\`, ${input.workloadDescription}; directly, the same SQL Sluice generated`,
    `- Postgres: max_connections ${input.maxConnections}, ${input.reservedConnections} reserved for superusers; direct callers connect as a plain role; ` +
      `Sluice: pool ${settings.poolMax}, a request waits at most ${input.poolTimeoutMs / 1000} s for a connection, then gets a 503; ` +
      `its HTTP listen backlog ${settings.backlog === undefined ? "is `sluice serve`'s default (4096, SLUICE_LISTEN_BACKLOG)" : `is ${settings.backlog} (BENCH_BURST_BACKLOG)`}`,
    '',
    `| | ${sluice.title} | ${direct.title} |`,
    '| --- | ---: | ---: |',
    row('requests answered', (s) => number(s.result.requests)),
    row('answered per second', (s) => number(s.result.requestsPerSecond)),
    row('failed requests', (s) => number(s.result.errors)),
    row('failures by kind', (s) => kinds(s.result)),
    row('p50 latency ms (answered)', (s) => ms(s.result.p50Ms)),
    row('p99 latency ms (answered)', (s) => ms(s.result.p99Ms)),
    row('max latency ms (answered)', (s) => ms(s.result.maxMs)),
    row("p50 / p99 / max ms of each caller's first request (all sent at once)", (s) => split(s.result.firstRequests)),
    row('p50 / p99 / max ms of the later requests', (s) => split(s.result.laterRequests)),
    row('queueing time ms: callers ÷ answered per second', (s) => ms(queueing(s.result))),
    row('most Postgres connections at once (by application)', (s) => connections(s.connections)),
    row('TCP listen-queue overflows (host-wide; each one a SYN retried after 1 s, 3 s …)', (s) => (s.tcp ? number(s.tcp.listenOverflows) : 'n/a')),
    row('peak RSS of Sluice MB', (s) => (s.peakRssBytes === null ? 'n/a' : (s.peakRssBytes / 2 ** 20).toFixed(0))),
    '',
    '| expectation (issue 7, item 4) | result | figures |',
    '| --- | --- | --- |',
    ...checks.map(([what, met, figure]) => `| ${what} | ${met ? 'met' : '**not met**'} | ${figure} |`),
    '',
    'Connections are sampled from pg_stat_activity every 20 ms (client backends, the sampler excluded), so a connection that lives less than that may be missed. ' +
      'With every caller always waiting, latency is set by throughput (Little\'s law: callers ÷ requests per second is the mean); ' +
      'the pool\'s wait limit bounds the wait for a database connection only, not the time a request spends before it reaches the pool. ' +
      'Latencies are of answered requests only; a failed request is in "failed requests", by the HTTP status, the socket error code or the Postgres SQLSTATE it got. ' +
      'See bench/README.md ("The serverless burst").',
    '',
  ].join('\n');
}
