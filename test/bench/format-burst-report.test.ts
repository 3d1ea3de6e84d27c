/**
 * How the burst report judges "bounded p99" (issue 7, item 4), and the latency summaries it uses.
 */
import { describe, expect, it } from 'vitest';
import { boundedP99 } from '../../bench/format-burst-report.js';
import { summarizeLatencies, type LoadResult } from '../../bench/load-job.js';

function result(p99Ms: number, maxMs: number, split?: { first: number[]; later: number[] }): LoadResult {
  return {
    requests: 2000,
    errors: 0,
    warmupErrors: 0,
    durationS: 1,
    requestsPerSecond: 2000,
    p50Ms: 400,
    p99Ms,
    maxMs,
    errorKinds: {},
    ...(split ? { firstRequests: summarizeLatencies(split.first), laterRequests: summarizeLatencies(split.later) } : {}),
  };
}

describe('summarizeLatencies', () => {
  it('counts and takes nearest-rank percentiles of the latencies as given', () => {
    expect(summarizeLatencies([5, 1, 3])).toEqual({ requests: 3, p50Ms: 3, p99Ms: 5, maxMs: 5 });
    expect(summarizeLatencies([])).toEqual({ requests: 0, p50Ms: null, p99Ms: null, maxMs: null });
  });
});

describe('boundedP99', () => {
  const queueingMs = 500;
  const timeoutMs = 30_000;

  it("judges starvation on the later requests: a slow arrival of the burst alone does not fail it", () => {
    const first = Array.from({ length: 1000 }, (_, i) => 300 + i); // up to 1,299 ms
    const later = Array.from({ length: 1000 }, (_, i) => 400 + (i % 500)); // up to 899 ms
    expect(boundedP99(result(1290, 1299, { first, later }), timeoutMs, queueingMs)).toBe(true);
  });

  it('fails when later requests wait more than twice the queueing time', () => {
    const later = Array.from({ length: 1000 }, (_, i) => (i < 980 ? 400 : 1200));
    expect(boundedP99(result(1200, 1200, { first: [500], later }), timeoutMs, queueingMs)).toBe(false);
  });

  it('fails when any answer took the callers\' timeout, first requests included', () => {
    expect(boundedP99(result(900, timeoutMs, { first: [timeoutMs], later: [400, 500] }), timeoutMs, queueingMs)).toBe(false);
  });

  it('falls back to the overall p99 for a result without the split', () => {
    expect(boundedP99(result(900, 1000), timeoutMs, queueingMs)).toBe(true);
    expect(boundedP99(result(1100, 1200), timeoutMs, queueingMs)).toBe(false);
  });
});
