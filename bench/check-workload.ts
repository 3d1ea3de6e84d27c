/**
 * Before a workload is timed, one answer of each server is checked in full: HTTP 200, no
 * `errors`, and every root field has an answer (a non-empty list, an object, or a mutation that
 * affected rows). A workload that quietly returned nothing would otherwise look fast. The shape of
 * the answer (rows at every level, values in all) is returned, so that Sluice's and PostGraphile's
 * answers can be compared: same data, same columns, same row counts, whatever the field names.
 */
import { requestBody, type Dialect, type Workload } from './workloads.js';

export interface AnswerShape {
  /** List elements at every depth: the rows of the answer. */
  readonly rows: number;
  /** Scalar values (and nulls) at every depth: rows × columns, plus aggregates. */
  readonly values: number;
}

function isAnswer(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (value === null || typeof value !== 'object') return false;
  const affected = (value as { affected_rows?: unknown }).affected_rows;
  return affected === undefined || (typeof affected === 'number' && affected > 0);
}

function measure(value: unknown, shape: { rows: number; values: number }): void {
  if (Array.isArray(value)) {
    shape.rows += value.length;
    for (const item of value) measure(item, shape);
  } else if (value !== null && typeof value === 'object') {
    for (const item of Object.values(value)) measure(item, shape);
  } else {
    shape.values += 1;
  }
}

export async function checkWorkload(url: string, workload: Workload, dialect: Dialect = 'sluice', scale = 1): Promise<AnswerShape> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: requestBody(workload, 0, `check-${dialect}-${Date.now()}`, dialect, scale),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  const body = JSON.parse(text) as { data?: Record<string, unknown> | null; errors?: unknown };
  const empty = Object.entries(body.data ?? {}).filter(([, value]) => !isAnswer(value));
  if (response.status !== 200 || body.errors !== undefined || !body.data || empty.length > 0) {
    throw new Error(`workload ${workload.name} does not answer as expected from ${dialect} (HTTP ${response.status}): ${text.slice(0, 500)}`);
  }
  const shape = { rows: 0, values: 0 };
  measure(body.data, shape);
  return shape;
}
