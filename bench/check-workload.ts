/**
 * Before a workload is timed, one request is checked in full: HTTP 200, no `errors`, and every
 * root field has an answer (a non-empty list, an object, or a mutation that affected rows). A
 * workload that quietly returned nothing would otherwise look fast.
 */
import { requestBody, type Workload } from './workloads.js';

function isAnswer(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (value === null || typeof value !== 'object') return false;
  const affected = (value as { affected_rows?: unknown }).affected_rows;
  return affected === undefined || (typeof affected === 'number' && affected > 0);
}

export async function checkWorkload(url: string, workload: Workload): Promise<void> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: requestBody(workload, 0, `check-${Date.now()}`),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  const body = JSON.parse(text) as { data?: Record<string, unknown> | null; errors?: unknown };
  const empty = Object.entries(body.data ?? {}).filter(([, value]) => !isAnswer(value));
  if (response.status !== 200 || body.errors !== undefined || !body.data || empty.length > 0) {
    throw new Error(`workload ${workload.name} does not answer as expected (HTTP ${response.status}): ${text.slice(0, 500)}`);
  }
}
