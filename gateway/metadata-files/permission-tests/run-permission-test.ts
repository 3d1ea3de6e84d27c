/**
 * Runs one permission test as an HTTP request to the gateway: the admin secret plus
 * `x-hasura-role` and the session variables, as a trusted backend would send them.
 */
import { isDeepStrictEqual } from 'node:util';
import type { PermissionTest } from './read-permission-tests.js';

export interface PermissionTestResult {
  readonly test: PermissionTest;
  readonly passed: boolean;
  /** Why it failed: expected and actual, one line each. */
  readonly reasons: readonly string[];
}

interface GraphQLError {
  readonly message?: string;
  readonly extensions?: { readonly code?: string };
}

function compact(value: unknown): string {
  return JSON.stringify(value) ?? 'undefined';
}

export async function runPermissionTest(
  fetch: (request: Request) => Promise<Response>,
  adminSecret: string,
  test: PermissionTest,
): Promise<PermissionTestResult> {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-hasura-admin-secret': adminSecret, ...test.session };
  if (test.role !== undefined) headers['x-hasura-role'] = test.role;
  const response = await fetch(
    new Request('http://sluice.test/v1/graphql', { method: 'POST', headers, body: JSON.stringify({ query: test.query, variables: test.variables }) }),
  );
  const text = await response.text();
  let body: { data?: unknown; errors?: GraphQLError[] };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    return { test, passed: false, reasons: [`the gateway answered HTTP ${response.status} with a body that is not JSON: ${text.slice(0, 200)}`] };
  }
  const errors = (body.errors ?? []).map((e) => ({ code: e.extensions?.code, message: e.message }));
  const expect = test.expect;
  if (expect.kind === 'data') {
    if (errors.length > 0) return { test, passed: false, reasons: [`expected data: ${compact(expect.data)}`, `got errors: ${compact(errors)}`] };
    if (isDeepStrictEqual(body.data, expect.data)) return { test, passed: true, reasons: [] };
    return { test, passed: false, reasons: [`expected data: ${compact(expect.data)}`, `got data:      ${compact(body.data)}`] };
  }
  const match = errors.find((e) => e.code === expect.code && (expect.message === undefined || (e.message ?? '').includes(expect.message)));
  if (match) return { test, passed: true, reasons: [] };
  const wanted = `expected error: ${compact({ code: expect.code, ...(expect.message === undefined ? {} : { message: expect.message }) })}`;
  return { test, passed: false, reasons: [wanted, errors.length > 0 ? `got errors: ${compact(errors)}` : `got data: ${compact(body.data)}`] };
}
