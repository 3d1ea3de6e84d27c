/** Upper bounds (seconds) of the request latency buckets: 1 ms to 10 s, as Prometheus clients default to. */
export const latencyBuckets: readonly number[] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * A Prometheus histogram of one label set: a count per bucket (not cumulative; rendering sums
 * them), the sum and the count. Observing is a short scan and two additions, no allocation.
 */
export class Histogram {
  /** One slot per bucket, then one for values above the last (`+Inf`). */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(readonly buckets: readonly number[] = latencyBuckets) {
    this.counts = new Float64Array(buckets.length + 1);
  }

  observe(value: number): void {
    let i = 0;
    while (i < this.buckets.length && value > this.buckets[i]!) i++;
    this.counts[i]!++;
    this.sum += value;
    this.count++;
  }
}
