/**
 * The benchmark's knobs, from the environment, checked once. Bad values stop the run with a
 * one-line message rather than silently falling back to a default.
 */
import { workloads } from './workloads.js';

export interface BenchSettings {
  readonly durationS: number;
  readonly warmupS: number;
  /** BENCH_ROUNDS: times each workload and concurrency is measured on every side (combine-rounds.ts). */
  readonly rounds: number;
  readonly concurrency: readonly number[];
  /** Workload names to run, in table order. */
  readonly workloads: readonly string[];
  /** Chinook copies to measure at, ascending (the data grows between them). */
  readonly scales: readonly number[];
  /** Whether to start PostGraphile and measure it beside Sluice. */
  readonly postgraphile: boolean;
  /** BENCH_CPU_PROFILE=1: profile Sluice's runs (profile-cpu.ts). */
  readonly cpuProfile: boolean;
  /** BENCH_HTTP_CLIENT: the load generator's HTTP client (keep-alive-client.ts), `minimal` or `node`. */
  readonly httpClient: HttpClientKind;
  /** Sluice's pool size; the raw-SQL pool gets the same. */
  readonly poolMax: number;
  /** A request slower than this counts as an error. */
  readonly requestTimeoutMs: number;
}

function positive(env: NodeJS.ProcessEnv, name: string, fallback: number, max: number): number {
  const text = env[name]?.trim();
  if (!text) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0 || value > max) throw new Error(`${name} must be a number above 0 and at most ${max}, got ${JSON.stringify(text)}`);
  return value;
}

function list(env: NodeJS.ProcessEnv, name: string): string[] | undefined {
  const text = env[name]?.trim();
  return text ? text.split(',').map((part) => part.trim()) : undefined;
}

function integers(env: NodeJS.ProcessEnv, name: string, fallback: string[], max: number): number[] {
  return (list(env, name) ?? fallback).map((part) => {
    const value = Number(part);
    if (!Number.isInteger(value) || value < 1 || value > max) throw new Error(`${name} must list integers from 1 to ${max}, got ${JSON.stringify(part)}`);
    return value;
  });
}

export type HttpClientKind = 'minimal' | 'node';

export function readBenchSettings(env: NodeJS.ProcessEnv): BenchSettings {
  const httpClient = env.BENCH_HTTP_CLIENT?.trim() || 'minimal';
  if (httpClient !== 'minimal' && httpClient !== 'node') throw new Error(`BENCH_HTTP_CLIENT must be minimal or node, got ${JSON.stringify(httpClient)}`);
  const concurrency = integers(env, 'BENCH_CONCURRENCY', ['1', '32', '128'], 1024);
  const scales = [...new Set(integers(env, 'BENCH_SCALE', ['1'], 1000))].sort((a, b) => a - b);
  const peer = env.BENCH_POSTGRAPHILE?.trim() ?? '1';
  if (peer !== '0' && peer !== '1') throw new Error(`BENCH_POSTGRAPHILE must be 0 or 1, got ${JSON.stringify(peer)}`);
  const known = workloads.map((w) => w.name);
  const chosen = list(env, 'BENCH_WORKLOADS') ?? known;
  const unknown = chosen.filter((name) => !known.includes(name));
  if (unknown.length > 0) throw new Error(`BENCH_WORKLOADS names unknown workloads ${unknown.join(', ')} (known: ${known.join(', ')})`);
  return {
    durationS: positive(env, 'BENCH_DURATION_S', 10, 600),
    warmupS: positive(env, 'BENCH_WARMUP_S', 2, 60),
    rounds: integers(env, 'BENCH_ROUNDS', ['1'], 20)[0]!,
    concurrency,
    workloads: known.filter((name) => chosen.includes(name)),
    scales,
    postgraphile: peer === '1',
    cpuProfile: env.BENCH_CPU_PROFILE?.trim() === '1',
    httpClient,
    poolMax: 20,
    requestTimeoutMs: 30_000,
  };
}

/** `npm run bench:burst`: many cold callers at once, through Sluice and directly. */
export interface BurstSettings {
  /** Concurrent callers, each opening a new connection per request. */
  readonly callers: number;
  readonly durationS: number;
  /** Sluice's pool size. */
  readonly poolMax: number;
  /** The workload every caller sends (a read). */
  readonly workload: string;
  readonly requestTimeoutMs: number;
  /** Sluice's HTTP listen backlog; undefined: `sluice serve`'s default (4096). */
  readonly backlog: number | undefined;
}

export function readBurstSettings(env: NodeJS.ProcessEnv): BurstSettings {
  const workload = env.BENCH_BURST_WORKLOAD?.trim() || 'by_pk';
  const known = workloads.filter((w) => w.kind === 'query').map((w) => w.name);
  if (!known.includes(workload)) throw new Error(`BENCH_BURST_WORKLOAD must be one of ${known.join(', ')}, got ${JSON.stringify(workload)}`);
  return {
    callers: Math.round(positive(env, 'BENCH_BURST_CALLERS', 1000, 5000)),
    durationS: positive(env, 'BENCH_BURST_S', 10, 600),
    poolMax: Math.round(positive(env, 'BENCH_BURST_POOL', 20, 90)),
    workload,
    requestTimeoutMs: 30_000,
    backlog: env.BENCH_BURST_BACKLOG?.trim() ? Math.round(positive(env, 'BENCH_BURST_BACKLOG', 511, 65_535)) : undefined,
  };
}

/** `npm run bench:soak`: Sluice under steady mixed load, its memory sampled over time. */
export interface SoakSettings {
  readonly durationS: number;
  /** Length of one measured interval (one row of the report). */
  readonly intervalS: number;
  readonly concurrency: number;
  readonly poolMax: number;
  readonly requestTimeoutMs: number;
}

export function readSoakSettings(env: NodeJS.ProcessEnv): SoakSettings {
  const durationS = positive(env, 'BENCH_SOAK_MIN', 10, 24 * 60) * 60;
  // About 20 rows whatever the length, never shorter than 5 s.
  const intervalS = positive(env, 'BENCH_SOAK_INTERVAL_S', Math.max(5, Math.round(durationS / 20)), 3600);
  return {
    durationS,
    intervalS: Math.min(intervalS, durationS),
    concurrency: Math.round(positive(env, 'BENCH_SOAK_CONCURRENCY', 32, 1024)),
    poolMax: 20,
    requestTimeoutMs: 30_000,
  };
}
