/**
 * With BENCH_ROUNDS=N each workload and concurrency is measured N times on every side, the sides
 * taking turns (see `roundOrder`), so that a slow stretch of this shared machine falls on all of
 * them rather than on whichever ran during it. The rounds are then combined into the figures of
 * one table row: the median of each figure, and the throughput ratios taken round by round (each
 * ratio compares runs a few seconds apart) with their median and range.
 */
import type { LoadResult } from './load-job.js';

/** A throughput ratio over the rounds: the median of the per-round ratios and their range. */
export interface RoundRatio {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** How many rounds had both sides measured. */
  readonly rounds: number;
}

/** The median of numbers (the mean of the middle two for an even count); null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function medianOrNull(values: ReadonlyArray<number | null>): number | null {
  return median(values.filter((value): value is number => value !== null));
}

/**
 * One side's runs as one result: median throughput and latencies, the worst maximum, failures
 * summed (a failure in any round shows).
 */
export function combineRuns(runs: readonly LoadResult[]): LoadResult {
  if (runs.length === 0) throw new Error('combineRuns needs at least one run');
  if (runs.length === 1) return runs[0]!;
  const errorKinds: Record<string, number> = {};
  for (const run of runs) for (const [kind, count] of Object.entries(run.errorKinds)) errorKinds[kind] = (errorKinds[kind] ?? 0) + count;
  const maxima = runs.map((run) => run.maxMs).filter((value): value is number => value !== null);
  const firstError = runs.find((run) => run.firstError !== undefined)?.firstError;
  return {
    requests: runs.reduce((sum, run) => sum + run.requests, 0),
    errors: runs.reduce((sum, run) => sum + run.errors, 0),
    warmupErrors: runs.reduce((sum, run) => sum + run.warmupErrors, 0),
    durationS: runs.reduce((sum, run) => sum + run.durationS, 0),
    requestsPerSecond: median(runs.map((run) => run.requestsPerSecond))!,
    p50Ms: medianOrNull(runs.map((run) => run.p50Ms)),
    p99Ms: medianOrNull(runs.map((run) => run.p99Ms)),
    maxMs: maxima.length > 0 ? Math.max(...maxima) : null,
    errorKinds,
    ...(firstError !== undefined ? { firstError } : {}),
  };
}

/**
 * Throughput of `a` over `b`, round by round: `a[i]` and `b[i]` ran in the same round. Rounds
 * where `b` did not run or answered nothing are left out; null when none is left.
 */
export function roundRatio(a: readonly LoadResult[], b: ReadonlyArray<LoadResult | null>): RoundRatio | null {
  const ratios: number[] = [];
  for (const [i, run] of a.entries()) {
    const other = b[i];
    if (other && other.requestsPerSecond > 0) ratios.push(run.requestsPerSecond / other.requestsPerSecond);
  }
  if (ratios.length === 0) return null;
  return { median: median(ratios)!, min: Math.min(...ratios), max: Math.max(...ratios), rounds: ratios.length };
}

/**
 * The order the sides run in, in round `round`: the list turned by one place per round, so each
 * side runs first, in the middle and last equally often over as many rounds as there are sides.
 */
export function roundOrder<T>(sides: readonly T[], round: number): T[] {
  if (sides.length === 0) return [];
  const shift = round % sides.length;
  return [...sides.slice(shift), ...sides.slice(0, shift)];
}
