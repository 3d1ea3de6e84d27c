/**
 * Runs one case file (or one plain request body, for the `v1q_f`/`v1metadataq_f` helpers)
 * against a running gateway. The cases of a file share database state, so like upstream the
 * file stops at its first failing case.
 */
import { compareCase, describeError, type CaseExpectation } from './compare.js';
import { isObject } from './json-diff.js';
import { loadYaml } from './load-yaml.js';
import type { CaseRef } from './manifest.js';
import { RequestTimeoutError, sendRequest } from './send-request.js';

export interface RunContext {
  readonly baseUrl: string;
  readonly conformanceDir: string;
}

export interface CaseFileResult {
  readonly ok: boolean;
  readonly reason?: string;
  readonly messageMismatches: readonly string[];
  readonly details: readonly string[];
  /** A request got no answer in time: the server may be wedged. */
  readonly timedOut: boolean;
}

/**
 * Statuses the upstream test methods assert for the files they post with `v1q_f` and
 * `v1metadataq_f` (the manifest only names the helper); anything else must answer 200.
 */
const BODY_HELPER_STATUS: Readonly<Record<string, number>> = {
  // test_create_invalid_fkey_relationship: `using.foreign_key_constraint_on` is not an object.
  'graphql_query/basic/setup_invalid_fkey_relationship.yaml': 400,
  // TestManualEvents.test_basic: invoking a trigger that does not allow manual invocation.
  'event_triggers/manual_events/disabled.yaml': 400,
};

function failure(reason: string, details: string[] = [], timedOut = false): CaseFileResult {
  return { ok: false, reason, messageMismatches: [], details, timedOut };
}

function requestError(error: unknown): CaseFileResult {
  if (error instanceof RequestTimeoutError) return failure(`timeout: ${error.message}`, [], true);
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return failure(`request failed: ${error instanceof Error ? error.message : String(error)}${cause}`);
}

async function runBodyHelper(ctx: RunContext, ref: CaseRef): Promise<CaseFileResult> {
  let body: unknown;
  try {
    body = await loadYaml(ctx.conformanceDir, ref.file);
  } catch (error) {
    return failure(error instanceof Error ? error.message : String(error));
  }
  const url = ref.helper === 'v1q_f' ? '/v1/query' : '/v1/metadata';
  const want = BODY_HELPER_STATUS[ref.file] ?? 200;
  try {
    const result = await sendRequest(ctx.baseUrl, { url, body });
    if (result.status === want) return { ok: true, messageMismatches: [], details: [], timedOut: false };
    return failure(`status ${want}≠${result.status} (${describeError(result.body)})`, [`POST ${url}`, `actual: ${JSON.stringify(result.body, null, 2)}`]);
  } catch (error) {
    return requestError(error);
  }
}

export async function runCaseFile(ctx: RunContext, ref: CaseRef): Promise<CaseFileResult> {
  if (ref.helper === 'v1q_f' || ref.helper === 'v1metadataq_f') return runBodyHelper(ctx, ref);
  let loaded: unknown;
  try {
    loaded = await loadYaml(ctx.conformanceDir, ref.file);
  } catch (error) {
    return failure(error instanceof Error ? error.message : String(error));
  }
  const cases = Array.isArray(loaded) ? loaded : [loaded];
  const messageMismatches: string[] = [];
  for (const [i, spec] of cases.entries()) {
    const label = cases.length > 1 ? `case ${i + 1}/${cases.length}: ` : '';
    if (!isObject(spec) || typeof spec.url !== 'string') return failure(`${label}not a case (no url)`);
    const expectation = spec as CaseExpectation & Record<string, unknown>;
    let result;
    try {
      result = await sendRequest(ctx.baseUrl, {
        url: spec.url,
        ...(typeof spec.method === 'string' ? { method: spec.method } : {}),
        ...(isObject(spec.headers) ? { headers: spec.headers } : {}),
        body: spec.body ?? spec.query,
      });
    } catch (error) {
      const failed = requestError(error);
      return { ...failed, reason: `${label}${failed.reason ?? ''}` };
    }
    const verdict = compareCase(expectation, result);
    messageMismatches.push(...verdict.messageMismatches.map((m) => `${label}${m}`));
    if (!verdict.ok) {
      const description = typeof spec.description === 'string' ? spec.description : '';
      const details = [
        ...(description ? [`description: ${description}`] : []),
        ...verdict.failures.map((f) => `- ${f}`),
        `request: ${(typeof spec.method === 'string' ? spec.method : 'POST').toUpperCase()} ${spec.url} ${JSON.stringify(spec.headers ?? {})}`,
        `expected (status ${String(spec.status ?? 200)}): ${JSON.stringify(spec.allowed_responses ?? spec.response ?? null, null, 2)}`,
        `actual (status ${result.status}): ${result.bodyIsJson ? JSON.stringify(result.body, null, 2) : String(result.body)}`,
      ];
      return { ok: false, reason: `${label}${verdict.failures[0] ?? 'mismatch'}`, messageMismatches, details, timedOut: false };
    }
  }
  return { ok: true, messageMismatches, details: [], timedOut: false };
}
