/**
 * Decides whether one HTTP response satisfies one case of a case file, with the upstream
 * runner's rules (see the conformance README):
 * - the status must match exactly;
 * - bodies are compared structurally, arrays in order, object keys in any order, plus a field
 *   order check for the selection-set objects under `data`;
 * - when both bodies are error responses, `code` and `path` must match but a different
 *   `message` is only a warning ("message mismatch"), since upstream merely warns on errors;
 * - `allowed_responses` passes if any alternative matches; `resp_headers` is a subset check.
 */
import { diffFieldOrder } from './field-order.js';
import { childPath, diffJson, isObject, show } from './json-diff.js';

export interface HttpResult {
  readonly status: number;
  /** Parsed JSON body, or the raw text when it is not JSON. */
  readonly body: unknown;
  readonly bodyIsJson: boolean;
  /** Response headers with lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
}

export interface AllowedResponse {
  readonly response?: unknown;
  readonly resp_headers?: Readonly<Record<string, unknown>>;
}

/** The parts of a case that say what must come back. */
export interface CaseExpectation {
  readonly status?: number;
  readonly response?: unknown;
  readonly resp_headers?: Readonly<Record<string, unknown>>;
  readonly allowed_responses?: readonly AllowedResponse[];
  /** The request body; its GraphQL query gives the field order under `data`. */
  readonly query?: unknown;
}

export interface Verdict {
  readonly ok: boolean;
  /** Reasons the case failed, most telling first. */
  readonly failures: readonly string[];
  /** Error messages that differ while code and path match: reported, not failed. */
  readonly messageMismatches: readonly string[];
}

interface BodyDiff {
  failures: string[];
  messageMismatches: string[];
}

export function isErrorResponse(body: unknown): body is Record<string, unknown> {
  return isObject(body) && ('errors' in body || 'error' in body);
}

/** A one-line summary of an error body, for failure reasons. */
export function describeError(body: unknown): string {
  if (!isObject(body)) return show(body);
  const errors = body.errors;
  if (Array.isArray(errors) && errors.length > 0) {
    const first = errors[0];
    const ext = isObject(first) && isObject(first.extensions) ? first.extensions : {};
    const message = isObject(first) ? first.message : undefined;
    return `${String(ext.code ?? '?')}: ${show(message, 80)}`;
  }
  if ('error' in body) return `${String(body.code ?? '?')}: ${show(body.error, 80)}`;
  return show(body);
}

function compareErrorList(expected: unknown, actual: unknown, path: string, out: BodyDiff): void {
  if (!Array.isArray(expected) || !Array.isArray(actual)) {
    out.failures.push(`body mismatch at ${path}: ${show(expected)} ≠ ${show(actual)}`);
    return;
  }
  if (expected.length !== actual.length) {
    out.failures.push(`errors count ${expected.length} ≠ ${actual.length} at ${path} (first: ${describeError({ errors: actual })})`);
  }
  const n = Math.min(expected.length, actual.length);
  for (let i = 0; i < n; i++) {
    const e: unknown = expected[i];
    const a: unknown = actual[i];
    const at = childPath(path, i);
    const eExt = isObject(e) && isObject(e.extensions) ? e.extensions : {};
    const aExt = isObject(a) && isObject(a.extensions) ? a.extensions : {};
    compareErrorFields(
      { code: eExt.code, path: eExt.path, message: isObject(e) ? e.message : undefined },
      { code: aExt.code, path: aExt.path, message: isObject(a) ? a.message : undefined },
      at,
      out,
    );
  }
}

function compareErrorFields(
  expected: { code: unknown; path: unknown; message: unknown },
  actual: { code: unknown; path: unknown; message: unknown },
  at: string,
  out: BodyDiff,
): void {
  if (expected.code !== undefined && expected.code !== actual.code) {
    out.failures.push(`code ${String(expected.code)} ≠ ${String(actual.code)} at ${at}`);
  }
  if (expected.path !== undefined && expected.path !== actual.path) {
    out.failures.push(`path ${String(expected.path)} ≠ ${String(actual.path)} at ${at}`);
  }
  if (expected.message !== undefined && expected.message !== actual.message) {
    out.messageMismatches.push(`message at ${at}: ${show(expected.message, 100)} ≠ ${show(actual.message, 100)}`);
  }
}

/** Keys outside the soft error fields, which must still match exactly. */
function strictRest(body: Record<string, unknown>, soft: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(body).filter(([k]) => !soft.includes(k)));
}

function compareErrorBodies(expected: Record<string, unknown>, actual: Record<string, unknown>, path: string, out: BodyDiff): void {
  if ('errors' in expected) {
    if (!('errors' in actual)) {
      out.failures.push(`error shape at ${path}: expected GraphQL "errors", got REST "error" (${describeError(actual)})`);
      return;
    }
    compareErrorList(expected.errors, actual.errors, childPath(path, 'errors'), out);
    for (const d of diffJson(strictRest(expected, ['errors']), strictRest(actual, ['errors']), path)) {
      out.failures.push(`body mismatch ${d}`);
    }
    return;
  }
  if (!('error' in actual)) {
    out.failures.push(`error shape at ${path}: expected REST "error", got GraphQL "errors" (${describeError(actual)})`);
    return;
  }
  compareErrorFields(
    { code: expected.code, path: expected.path, message: expected.error },
    { code: actual.code, path: actual.path, message: actual.error },
    path,
    out,
  );
  // `internal` carries Postgres details for admins; upstream never relies on it.
  const soft = ['error', 'code', 'path', 'internal'];
  for (const d of diffJson(strictRest(expected, soft), strictRest(actual, soft), path)) {
    out.failures.push(`body mismatch ${d}`);
  }
}

/** Compares one expected body with the actual one; `query` is the request body that produced it. */
export function compareBody(expected: unknown, actual: unknown, query: unknown, path = '$'): BodyDiff {
  const out: BodyDiff = { failures: [], messageMismatches: [] };
  if (Array.isArray(query) && Array.isArray(expected) && Array.isArray(actual)) {
    // A batched GraphQL request: one response per query, in order.
    if (expected.length !== actual.length) {
      out.failures.push(`batch length ${expected.length} ≠ ${actual.length} at ${path}`);
    }
    const n = Math.min(expected.length, actual.length);
    for (let i = 0; i < n; i++) {
      const sub = compareBody(expected[i], actual[i], query[i], childPath(path, i));
      out.failures.push(...sub.failures);
      out.messageMismatches.push(...sub.messageMismatches);
    }
    return out;
  }
  const expectedError = isErrorResponse(expected);
  const actualError = isErrorResponse(actual);
  if (expectedError && actualError) {
    compareErrorBodies(expected, actual, path, out);
    return out;
  }
  if (!expectedError && actualError) {
    const what = isObject(expected) && 'data' in expected ? 'data' : 'success';
    out.failures.push(`expected ${what}, got error at ${path}: ${describeError(actual)}`);
    return out;
  }
  if (expectedError && !actualError) {
    out.failures.push(`expected error ${describeError(expected)}, got ${show(actual)} at ${path}`);
    return out;
  }
  for (const d of diffJson(expected, actual, path)) {
    out.failures.push(`${d.startsWith(`at ${path}.data`) ? 'data' : 'body'} mismatch ${d}`);
  }
  out.failures.push(...diffFieldOrder(expected, actual, query).map((d) => d.replace('$.data', `${path}.data`)));
  return out;
}

function compareHeaders(expected: Readonly<Record<string, unknown>> | undefined, actual: Readonly<Record<string, string>>): string[] {
  if (!expected) return [];
  const failures: string[] = [];
  for (const [name, value] of Object.entries(expected)) {
    const got = actual[name.toLowerCase()];
    if (got === undefined) failures.push(`missing response header ${name}`);
    else if (got !== String(value)) failures.push(`response header ${name}: ${show(String(value))} ≠ ${show(got)}`);
  }
  return failures;
}

export function compareCase(expectation: CaseExpectation, result: HttpResult): Verdict {
  const wantStatus = expectation.status ?? 200;
  if (result.status !== wantStatus) {
    const detail = isErrorResponse(result.body) ? ` (${describeError(result.body)})` : '';
    return { ok: false, failures: [`status ${wantStatus}≠${result.status}${detail}`], messageMismatches: [] };
  }
  const alternatives: AllowedResponse[] = expectation.allowed_responses
    ? [...expectation.allowed_responses]
    : [{ response: expectation.response, resp_headers: expectation.resp_headers }];
  const verdicts = alternatives.map((alt): Verdict => {
    const failures = compareHeaders(alt.resp_headers, result.headers);
    const messageMismatches: string[] = [];
    if (alt.response !== undefined) {
      if (!result.bodyIsJson) {
        failures.unshift(`body is not JSON: ${show(result.body, 80)}`);
      } else {
        const diff = compareBody(alt.response, result.body, expectation.query);
        failures.unshift(...diff.failures);
        messageMismatches.push(...diff.messageMismatches);
      }
    }
    return { ok: failures.length === 0, failures, messageMismatches };
  });
  const passing = verdicts.filter((v) => v.ok);
  if (passing.length > 0) {
    return passing.find((v) => v.messageMismatches.length === 0) ?? passing[0]!;
  }
  if (verdicts.length === 1) return verdicts[0]!;
  const first = verdicts[0]!;
  return {
    ok: false,
    failures: [`none of ${verdicts.length} allowed responses matched; first: ${first.failures[0] ?? '?'}`, ...first.failures.slice(1)],
    messageMismatches: first.messageMismatches,
  };
}
