/**
 * How the benchmark combines rounds (BENCH_ROUNDS) into one table row, and how the report shows
 * and judges the per-round ratios.
 */
import { describe, expect, it } from 'vitest';
import { combineRuns, median, roundOrder, roundRatio } from '../../bench/combine-rounds.js';
import { formatReport, type MachineInfo, type ResultRow } from '../../bench/format-report.js';
import type { LoadResult } from '../../bench/load-job.js';

function run(requestsPerSecond: number, p99Ms: number, extra: Partial<LoadResult> = {}): LoadResult {
  return {
    requests: requestsPerSecond * 10,
    errors: 0,
    warmupErrors: 0,
    durationS: 10,
    requestsPerSecond,
    p50Ms: p99Ms / 2,
    p99Ms,
    maxMs: p99Ms * 2,
    errorKinds: {},
    ...extra,
  };
}

describe('median', () => {
  it('takes the middle value, or the mean of the middle two', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNull();
  });
});

describe('combineRuns', () => {
  it('gives the median throughput and latencies, the worst maximum and every failure', () => {
    const combined = combineRuns([
      run(1000, 30, { errors: 1, errorKinds: { 'HTTP 503': 1 }, firstError: 'HTTP 503 first' }),
      run(1400, 20),
      run(1200, 50, { warmupErrors: 2, errorKinds: { 'HTTP 503': 2, ECONNRESET: 1 }, firstError: 'later' }),
    ]);
    expect(combined.requestsPerSecond).toBe(1200);
    expect(combined.p99Ms).toBe(30);
    expect(combined.p50Ms).toBe(15);
    expect(combined.maxMs).toBe(100);
    expect(combined.errors).toBe(1);
    expect(combined.warmupErrors).toBe(2);
    expect(combined.errorKinds).toEqual({ 'HTTP 503': 3, ECONNRESET: 1 });
    expect(combined.firstError).toBe('HTTP 503 first');
    expect(combined.requests).toBe(36_000);
  });

  it('leaves a single run as it is and refuses none', () => {
    const only = run(900, 12);
    expect(combineRuns([only])).toBe(only);
    expect(() => combineRuns([])).toThrow(/at least one run/);
  });
});

describe('roundRatio', () => {
  it('pairs the runs of each round, not the medians of each side', () => {
    // Round 2 was slow for both sides: per round Sluice is 1.5×, 1.5×, 1.6×. The quotient of the
    // medians (1,500 / 1,000) would say 1.5× too, but the range shows the rounds agree.
    const ratio = roundRatio([run(1500, 1), run(750, 1), run(1600, 1)], [run(1000, 1), run(500, 1), run(1000, 1)]);
    expect(ratio).toEqual({ median: 1.5, min: 1.5, max: 1.6, rounds: 3 });
  });

  it('skips rounds where the other side did not answer, and is null with none left', () => {
    expect(roundRatio([run(100, 1), run(300, 1)], [null, run(100, 1)])).toEqual({ median: 3, min: 3, max: 3, rounds: 1 });
    expect(roundRatio([run(100, 1)], [run(0, 1)])).toBeNull();
    expect(roundRatio([run(100, 1)], [])).toBeNull();
  });
});

describe('roundOrder', () => {
  it('turns the order by one place a round, so each side runs in each place', () => {
    const sides = ['sluice', 'postgraphile', 'raw'];
    expect([0, 1, 2, 3].map((round) => roundOrder(sides, round).join(' '))).toEqual([
      'sluice postgraphile raw',
      'postgraphile raw sluice',
      'raw sluice postgraphile',
      'sluice postgraphile raw',
    ]);
    expect(roundOrder([], 2)).toEqual([]);
  });
});

describe('the report over rounds', () => {
  const machine: MachineInfo = {
    date: '2026-11-23',
    commit: 'abc1234',
    cpus: '2 × test',
    memory: '1 GiB',
    os: 'linux',
    node: 'v20',
    load: '0.1',
    postgres: '17',
    settings: 'test',
    statementCounting: 'n/a',
    postgraphile: 'test',
    data: [],
  };

  function row(sluiceRuns: LoadResult[], peerRuns: LoadResult[], rawRuns: LoadResult[]): ResultRow {
    return {
      scale: 1,
      workload: 'aggregate',
      concurrency: 32,
      sluice: combineRuns(sluiceRuns),
      postgraphile: combineRuns(peerRuns),
      raw: combineRuns(rawRuns),
      statementsPerRequest: { sluice: 1, postgraphile: 1 },
      rootFields: 1,
      kind: 'query',
      peakRssBytes: { sluice: 100 * 2 ** 20, postgraphile: 200 * 2 ** 20 },
      ratios: { postgraphile: roundRatio(sluiceRuns, peerRuns), raw: roundRatio(sluiceRuns, rawRuns), floorOverPostgraphile: roundRatio(rawRuns, peerRuns) },
    };
  }

  it('shows the median ratio with its range and judges the target on the median', () => {
    const report = formatReport(
      machine,
      [row([run(1500, 20), run(1400, 20), run(1700, 20)], [run(1000, 40), run(1000, 40), run(1000, 40)], [run(2000, 10), run(2000, 10), run(2000, 10)])],
      new Map([['aggregate', 'an aggregate']]),
    );
    const line = report.split('\n').find((l) => l.startsWith('| aggregate | 32 |'))!;
    expect(line).toContain('| 1.50× (1.40×–1.70×) | 75 % (70 %–85 %) |');
    expect(report).toMatch(/\| throughput ≥ 1\.5× PostGraphile on every read workload \| met \| aggregate 1\.50× \|/);
    expect(report).toContain('ran 3 times on each side');
    expect(report).not.toContain('One round per side');
  });

  it('misses the target when the median ratio is under it, whatever the best round', () => {
    const report = formatReport(
      machine,
      [row([run(1400, 20), run(1450, 20), run(1700, 20)], [run(1000, 40), run(1000, 40), run(1000, 40)], [run(2000, 10), run(2000, 10), run(2000, 10)])],
      new Map([['aggregate', 'an aggregate']]),
    );
    // The miss shows the floor's lead over PostGraphile (2,000 / 1,000 in every round).
    expect(report).toMatch(/\| throughput ≥ 1\.5× PostGraphile on every read workload \| \*\*not met\*\* \(1 of 1\) \| aggregate 1\.45× \(floor 2\.00×\) ✗ \|/);
  });

  it('shows a single round without a range or a rounds line, and says its verdicts want more rounds', () => {
    const report = formatReport(machine, [row([run(1500, 20)], [run(1000, 40)], [run(2000, 10)])], new Map([['aggregate', 'an aggregate']]));
    expect(report).toContain('| 1.50× | 75 % |');
    expect(report).not.toContain('Rounds:');
    const targets = report.slice(report.indexOf('Targets (issue 7'));
    expect(targets).toMatch(/soak-latest\.md`\) \| \|\n\nOne round per side: .*Judge the targets on `BENCH_ROUNDS=3`/);
  });
});
