/**
 * Sends one request of a case to the gateway and reads the whole response. Bounded: a request
 * that takes longer than 30 seconds is reported as a timeout, never awaited forever.
 */
import type { HttpResult } from './compare.js';

export const REQUEST_TIMEOUT_MS = 30_000;

export interface CaseRequest {
  readonly url: string;
  readonly method?: string;
  readonly headers?: Readonly<Record<string, unknown>>;
  /** JSON body (the case's `query`), or a raw string body. */
  readonly body?: unknown;
}

export class RequestTimeoutError extends Error {}

export async function sendRequest(baseUrl: string, request: CaseRequest): Promise<HttpResult> {
  const method = (request.method ?? 'POST').toUpperCase();
  const headers: Record<string, string> = {};
  // YAML may give numbers or booleans; upstream sends every header value as a string.
  for (const [name, value] of Object.entries(request.headers ?? {})) headers[name] = String(value);
  let body: string | undefined;
  if (method !== 'GET' && method !== 'HEAD' && request.body !== undefined) {
    body = typeof request.body === 'string' ? request.body : JSON.stringify(request.body);
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['Content-Type'] = 'application/json';
  }
  let response: Response;
  let text: string;
  try {
    response = await fetch(new URL(request.url, baseUrl), {
      method,
      headers,
      ...(body === undefined ? {} : { body }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    text = await response.text();
  } catch (error) {
    if (error instanceof DOMException && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
      throw new RequestTimeoutError(`no response in ${REQUEST_TIMEOUT_MS / 1000} s`);
    }
    throw error;
  }
  const responseHeaders: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    responseHeaders[name.toLowerCase()] = value;
  });
  try {
    return { status: response.status, body: JSON.parse(text) as unknown, bodyIsJson: true, headers: responseHeaders };
  } catch {
    return { status: response.status, body: text, bodyIsJson: false, headers: responseHeaders };
  }
}
