/**
 * `GET /metrics`: Prometheus text that parses, request counts and latency histograms by
 * operation and role (fed by the request log), pool and admission gauges, bounded labels, and
 * the guard (admin secret or the metrics bearer token).
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdmission } from '../../gateway/admission/index.js';
import { createGatewayMetrics } from '../../gateway/metrics/index.js';
import { dataOf, startTestGateway, type TestGateway } from '../support/test-gateway.js';

const secret = 'metrics-admin-secret';
const scrapeToken = 'metrics-scrape-token';
const admin = { 'x-hasura-admin-secret': secret };
const reader = { ...admin, 'x-hasura-role': 'reader' };

interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/**
 * A strict reader of the text format: every line is a comment (`# HELP`/`# TYPE` with a known
 * type) or `name{label="value",…} number`; anything else fails the test.
 */
function parsePrometheus(text: string): { samples: Sample[]; types: Map<string, string> } {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  expect(text.endsWith('\n')).toBe(true);
  for (const line of text.slice(0, -1).split('\n')) {
    const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (type) {
      types.set(type[1]!, type[2]!);
      continue;
    }
    if (/^# HELP [a-zA-Z_:][a-zA-Z0-9_:]* .+$/.test(line)) continue;
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (-?[0-9.e+-]+|\+Inf|NaN)$/.exec(line);
    if (!sample) throw new Error(`not a Prometheus text line: ${JSON.stringify(line)}`);
    const labels: Record<string, string> = {};
    const labelText = sample[2] ?? '';
    const labelPattern = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,|$)/y;
    while (labelPattern.lastIndex < labelText.length) {
      const label = labelPattern.exec(labelText);
      if (!label) throw new Error(`bad labels: ${labelText}`);
      labels[label[1]!] = label[2]!.replace(/\\n/g, '\n').replace(/\\(.)/g, '$1');
    }
    samples.push({ name: sample[1]!, labels, value: Number(sample[3]) });
  }
  return { samples, types };
}

function find(samples: readonly Sample[], name: string, labels: Record<string, string>): Sample[] {
  return samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
}

describe('GET /metrics', () => {
  let g: TestGateway;
  beforeAll(async () => {
    g = await startTestGateway({
      example: true,
      env: { SLUICE_ADMIN_SECRET: secret, SLUICE_METRICS_SECRET: scrapeToken, SLUICE_ROLE_CONCURRENCY_DEFAULT: '5' },
    });
    const granted = await g.post(
      '/v1/metadata',
      { type: 'pg_create_select_permission', args: { table: 'genre', role: 'reader', permission: { columns: ['genre_id', 'name'], filter: {} } } },
      admin,
    );
    expect(granted.status).toBe(200);
  });
  afterAll(async () => g?.close());

  it('needs the admin secret or the metrics bearer token', async () => {
    const attempts: Record<string, string>[] = [{}, { 'x-hasura-admin-secret': 'wrong' }, { authorization: 'Bearer wrong' }, { authorization: `Basic ${scrapeToken}` }];
    for (const headers of attempts) {
      const denied = await g.request('/metrics', { headers });
      expect(denied.status).toBe(401);
      expect(denied.body).toMatchObject({ path: '$', code: 'access-denied' });
    }
    expect((await g.request('/metrics', { headers: admin })).status).toBe(200);
    const scraped = await g.request('/metrics', { headers: { authorization: `Bearer ${scrapeToken}` } });
    expect(scraped.status).toBe(200);
    expect(scraped.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  });

  it('counts requests by operation type, name, role, status and result, and their latency', async () => {
    for (let i = 0; i < 2; i++) {
      expect(dataOf(await g.post('/v1/graphql', { query: 'query Genres { genre(limit: 1) { name } }', operationName: 'Genres' }, reader))).toHaveProperty('genre');
    }
    dataOf(await g.graphql('{ artist(limit: 1) { name } }', undefined, admin));
    await g.graphql('{ artist { nope } }', undefined, reader);
    await g.graphql('mutation { delete_genre(where: {genre_id: {_eq: -1}}) { affected_rows } }', undefined, admin);
    await g.post('/v2/query', { type: 'run_sql', args: { sql: 'SELECT 1' } }, admin);

    const { samples, types } = parsePrometheus((await g.request('/metrics', { headers: admin })).text);
    expect(types.get('sluice_requests_total')).toBe('counter');
    expect(types.get('sluice_request_duration_seconds')).toBe('histogram');
    const requests = (labels: Record<string, string>) => find(samples, 'sluice_requests_total', labels);
    expect(requests({ operation_type: 'query', operation_name: 'Genres', role: 'reader', status: '200', result: 'success' }).map((s) => s.value)).toEqual([2]);
    expect(requests({ operation_type: 'query', role: 'admin', result: 'success' }).find((s) => s.labels.operation_name === undefined)?.value).toBe(1);
    // A validation error answers 200 on /v1/graphql, but is an error; its operation was never known.
    expect(requests({ operation_type: 'unknown', role: 'reader', status: '200', result: 'error' }).map((s) => s.value)).toEqual([1]);
    expect(requests({ operation_type: 'mutation', role: 'admin', status: '200', result: 'success' }).map((s) => s.value)).toEqual([1]);
    expect(requests({ operation_type: 'admin', role: 'admin', status: '200', result: 'success' }).length).toBe(1);
    // /metrics itself, health and version are not counted.
    expect(samples.some((s) => s.name === 'sluice_requests_total' && s.labels.operation_type === undefined)).toBe(false);

    const buckets = find(samples, 'sluice_request_duration_seconds_bucket', { operation_type: 'query', role: 'reader' });
    expect(buckets.length).toBe(14);
    expect(buckets.at(-1)!.labels.le).toBe('+Inf');
    for (let i = 1; i < buckets.length; i++) expect(buckets[i]!.value).toBeGreaterThanOrEqual(buckets[i - 1]!.value);
    const count = find(samples, 'sluice_request_duration_seconds_count', { operation_type: 'query', role: 'reader' })[0]!;
    expect(count.value).toBe(buckets.at(-1)!.value);
    expect(count.value).toBeGreaterThanOrEqual(2);
    expect(find(samples, 'sluice_request_duration_seconds_sum', { operation_type: 'query', role: 'reader' })[0]!.value).toBeGreaterThan(0);
  });

  it('shows the pool and admission state', async () => {
    const { samples, types } = parsePrometheus((await g.request('/metrics', { headers: admin })).text);
    const value = (name: string) => find(samples, name, {}).map((s) => s.value);
    expect(value('sluice_pool_max')).toEqual([4]);
    expect(value('sluice_pool_size')[0]).toBeGreaterThanOrEqual(1);
    expect(value('sluice_pool_size')[0]).toBeLessThanOrEqual(4);
    expect(value('sluice_pool_idle')).toHaveLength(1);
    expect(value('sluice_pool_waiting')).toEqual([0]);
    expect(value('sluice_pool_timeouts_total')).toEqual([0]);
    expect(value('sluice_pool_queue_rejections_total')).toEqual([0]);
    expect(types.get('sluice_pool_timeouts_total')).toBe('counter');
    expect(find(samples, 'sluice_role_in_flight', { role: 'reader' }).map((s) => s.value)).toEqual([0]);
    expect(find(samples, 'sluice_role_waiting', { role: 'reader' }).map((s) => s.value)).toEqual([0]);
  });

  it('counts what a path outside yoga records through gateway.metrics.recordRequest', async () => {
    g.gateway.metrics.recordRequest({ operationType: 'query', operationName: 'FastPath', role: 'reader', status: 200, failed: false, durationSeconds: 0.0004 });
    const { samples } = parsePrometheus((await g.request('/metrics', { headers: admin })).text);
    expect(find(samples, 'sluice_requests_total', { operation_name: 'FastPath', role: 'reader' }).map((s) => s.value)).toEqual([1]);
  });
});

describe('createGatewayMetrics', () => {
  it('bounds label values: 200 operation names, 100 roles, and names that are not GraphQL names count as other', async () => {
    const pool = new pg.Pool({ max: 1 });
    const metrics = createGatewayMetrics({ pool, poolMax: 1, admission: createAdmission({ pool, poolMax: 1, timeoutMs: 100, queueMax: 1 }) });
    for (let i = 0; i < 250; i++) {
      metrics.recordRequest({ operationType: 'query', operationName: `Op${i}`, role: `role${i}`, status: 200, failed: false, durationSeconds: 0.001 });
    }
    metrics.recordRequest({ operationType: 'query', operationName: 'Op1', role: 'role250', status: 503, failed: true, durationSeconds: 20 });
    const { samples } = parsePrometheus(metrics.render());
    const counted = find(samples, 'sluice_requests_total', {});
    expect(new Set(counted.map((s) => s.labels.operation_name)).size).toBe(201);
    expect(new Set(counted.map((s) => s.labels.role)).size).toBe(101);
    expect(find(samples, 'sluice_requests_total', { operation_name: 'other', role: 'other' }).reduce((n, s) => n + s.value, 0)).toBe(50);
    expect(find(samples, 'sluice_requests_total', { operation_name: 'Op1', role: 'other', status: '503', result: 'error' }).map((s) => s.value)).toEqual([1]);
    // The slow request (20 s) lands in +Inf only.
    expect(find(samples, 'sluice_request_duration_seconds_bucket', { role: 'other', le: '10' })[0]!.value).toBe(150);
    expect(find(samples, 'sluice_request_duration_seconds_bucket', { role: 'other', le: '+Inf' })[0]!.value).toBe(151);

    const fresh = createGatewayMetrics({ pool, poolMax: 1, admission: createAdmission({ pool, poolMax: 1, timeoutMs: 100, queueMax: 1 }) });
    fresh.recordRequest({ operationType: 'query', operationName: 'has "quotes"', role: 'back\\slash "quoted"\nnewline', status: 200, failed: false, durationSeconds: 0.01 });
    const escaped = parsePrometheus(fresh.render()).samples;
    expect(find(escaped, 'sluice_requests_total', { operation_name: 'other', role: 'back\\slash "quoted"\nnewline' }).map((s) => s.value)).toEqual([1]);
    await pool.end();
  });
});
