import type pg from 'pg';
import type { Admission } from '../admission/index.js';
import { BoundedLabelValues } from './bounded-label-values.js';
import { Histogram } from './histogram.js';
import { familyHeader, formatLabels, formatValue } from './prometheus-text.js';

/**
 * What a request was, for the metrics: a GraphQL operation type (`unknown` when the request
 * failed before its operation was known, `batch` for several operations in one request), an
 * admin API call (`/v1/metadata`, `/v1/query`, `/v2/query`) or an explain.
 */
export type OperationType = 'query' | 'mutation' | 'subscription' | 'batch' | 'unknown' | 'admin' | 'explain';

/** One finished request. */
export interface RequestSample {
  readonly operationType: OperationType;
  /** The operation name the client gave, if any (at most 200 distinct names are kept, then `other`). */
  readonly operationName?: string | undefined;
  /** The session's role; undefined when the request was refused before it had one. */
  readonly role: string | undefined;
  /** The HTTP status sent. */
  readonly status: number;
  /** Whether the answer was an error (GraphQL errors answer 200 on `/v1/graphql`). */
  readonly failed: boolean;
  readonly durationSeconds: number;
}

export interface GatewayMetrics {
  /**
   * Counts one finished request and observes its latency. The request log calls it for every
   * request yoga answers; a path that bypasses yoga must call it too (through the request
   * reporter, which also writes the log line).
   */
  recordRequest(sample: RequestSample): void;
  /** Everything, in Prometheus text format. */
  render(): string;
}

export interface GatewayMetricsOptions {
  readonly pool: pg.Pool;
  readonly poolMax: number;
  readonly admission: Admission;
}

interface Counted {
  readonly labels: string;
  count: number;
}

interface Observed {
  readonly labels: readonly (readonly [string, string | undefined])[];
  readonly histogram: Histogram;
}

const graphqlName = /^[_A-Za-z][_0-9A-Za-z]{0,127}$/;
const separator = '\u0001';

/**
 * The gateway's metrics: request counters and latency histograms by operation and role, and the
 * pool's and admission's state read at scrape time. Labels from requests are bounded (200
 * operation names, 100 roles; later ones are counted as `other`).
 */
export function createGatewayMetrics(options: GatewayMetricsOptions): GatewayMetrics {
  const { pool, poolMax, admission } = options;
  const operationNames = new BoundedLabelValues(200);
  const roles = new BoundedLabelValues(100);
  const requests = new Map<string, Counted>();
  const durations = new Map<string, Observed>();

  function roleLabel(role: string | undefined): string | undefined {
    return role === undefined ? undefined : roles.valueOf(role);
  }

  return {
    recordRequest(sample) {
      const role = roleLabel(sample.role);
      const name = sample.operationName === undefined ? undefined : graphqlName.test(sample.operationName) ? operationNames.valueOf(sample.operationName) : operationNames.overflow;
      const result = sample.failed ? 'error' : 'success';
      const key = `${sample.operationType}${separator}${name ?? ''}${separator}${role ?? ''}${separator}${sample.status}${separator}${result}`;
      let counted = requests.get(key);
      if (!counted) {
        counted = {
          labels: formatLabels([
            ['operation_type', sample.operationType],
            ['operation_name', name],
            ['role', role],
            ['status', String(sample.status)],
            ['result', result],
          ]),
          count: 0,
        };
        requests.set(key, counted);
      }
      counted.count++;
      const durationKey = `${sample.operationType}${separator}${role ?? ''}`;
      let observed = durations.get(durationKey);
      if (!observed) {
        observed = { labels: [['operation_type', sample.operationType], ['role', role]], histogram: new Histogram() };
        durations.set(durationKey, observed);
      }
      observed.histogram.observe(sample.durationSeconds);
    },

    render() {
      let text = familyHeader('sluice_requests_total', 'counter', 'Requests answered, by operation type and name, role, HTTP status and result.');
      for (const { labels, count } of requests.values()) text += `sluice_requests_total${labels} ${count}\n`;
      text += familyHeader('sluice_request_duration_seconds', 'histogram', 'Time from receiving a request to its response, by operation type and role.');
      for (const { labels, histogram } of durations.values()) {
        let cumulative = 0;
        histogram.buckets.forEach((bound, i) => {
          cumulative += histogram.counts[i]!;
          text += `sluice_request_duration_seconds_bucket${formatLabels([...labels, ['le', formatValue(bound)]])} ${cumulative}\n`;
        });
        cumulative += histogram.counts[histogram.buckets.length]!;
        text += `sluice_request_duration_seconds_bucket${formatLabels([...labels, ['le', '+Inf']])} ${cumulative}\n`;
        text += `sluice_request_duration_seconds_sum${formatLabels(labels)} ${formatValue(histogram.sum)}\n`;
        text += `sluice_request_duration_seconds_count${formatLabels(labels)} ${histogram.count}\n`;
      }
      const counters = admission.counters();
      const gauge = (name: string, help: string, value: number, type: 'gauge' | 'counter' = 'gauge') => {
        text += `${familyHeader(name, type, help)}${name} ${formatValue(value)}\n`;
      };
      gauge('sluice_pool_max', 'Most connections the pool may open (SLUICE_POOL_MAX).', poolMax);
      gauge('sluice_pool_size', 'Connections open in the pool, busy or idle.', pool.totalCount);
      gauge('sluice_pool_idle', 'Open connections not in use.', pool.idleCount);
      gauge('sluice_pool_waiting', 'Requests waiting for a connection from the pool.', pool.waitingCount);
      gauge('sluice_pool_timeouts_total', 'Requests answered 503 because no connection (or role slot) became free within SLUICE_POOL_TIMEOUT_MS.', counters.timeouts, 'counter');
      gauge('sluice_pool_queue_rejections_total', 'Requests answered 503 at once because SLUICE_POOL_QUEUE_MAX requests were already waiting.', counters.queueRejections, 'counter');
      const inFlight = new Map<string, number>();
      const waiting = new Map<string, number>();
      for (const load of admission.roles()) {
        const role = roles.valueOf(load.role);
        inFlight.set(role, (inFlight.get(role) ?? 0) + load.inFlight);
        waiting.set(role, (waiting.get(role) ?? 0) + load.waiting);
      }
      text += familyHeader('sluice_role_in_flight', 'gauge', 'Requests of a role admitted to the pool (holding or about to hold a connection).');
      for (const [role, value] of inFlight) text += `sluice_role_in_flight${formatLabels([['role', role]])} ${value}\n`;
      text += familyHeader('sluice_role_waiting', 'gauge', "Requests of a role waiting for a slot under its concurrency limit (SLUICE_ROLE_CONCURRENCY).");
      for (const [role, value] of waiting) text += `sluice_role_waiting${formatLabels([['role', role]])} ${value}\n`;
      return text;
    },
  };
}
