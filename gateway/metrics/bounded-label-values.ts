/**
 * Keeps a label's cardinality bounded: the first `max` distinct values are kept as they are, any
 * later one becomes `overflow`. Operation names and roles come from requests, and every distinct
 * value is a time series in Prometheus.
 */
export class BoundedLabelValues {
  private readonly seen = new Set<string>();

  constructor(
    private readonly max: number,
    readonly overflow = 'other',
  ) {}

  valueOf(value: string): string {
    if (this.seen.has(value)) return value;
    if (this.seen.size >= this.max) return this.overflow;
    this.seen.add(value);
    return value;
  }
}
