/**
 * The benchmark's knobs, from the environment, checked once. Bad values stop the run with a
 * one-line message rather than silently falling back to a default.
 */
import { workloads } from './workloads.js';

export interface BenchSettings {
  readonly durationS: number;
  readonly warmupS: number;
  readonly concurrency: readonly number[];
  /** Workload names to run, in table order. */
  readonly workloads: readonly string[];
  /** Chinook copies to measure at, ascending (the data grows between them). */
  readonly scales: readonly number[];
  /** Whether to start PostGraphile and measure it beside Sluice. */
  readonly postgraphile: boolean;
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

export function readBenchSettings(env: NodeJS.ProcessEnv): BenchSettings {
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
    concurrency,
    workloads: known.filter((name) => chosen.includes(name)),
    scales,
    postgraphile: peer === '1',
    poolMax: 20,
    requestTimeoutMs: 30_000,
  };
}
