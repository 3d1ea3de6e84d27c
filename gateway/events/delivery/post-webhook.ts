/**
 * One webhook request: POST of the JSON payload with a timeout, reading at most 4 kB of the
 * answer (enough to show in the invocation log; a huge or endless body never holds the worker).
 */
export const responseExcerptBytes = 4096;

export type WebhookResult =
  | { readonly kind: 'response'; readonly status: number; readonly excerpt: string; readonly retryAfter: string | null }
  | { readonly kind: 'failed'; readonly error: string; readonly interrupted: boolean };

async function readExcerpt(response: Response): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < responseExcerptBytes) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).subarray(0, responseExcerptBytes).toString('utf8');
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error ? `${error.message}: ${cause.message}` : error.message;
}

/**
 * `stop` aborts the request when the worker shuts down; that outcome is `interrupted`, not a
 * failed try.
 */
export async function postWebhook(
  fetchFn: typeof fetch,
  url: string,
  headers: Record<string, string>,
  body: string,
  timeoutSec: number,
  stop: AbortSignal,
): Promise<WebhookResult> {
  // One controller with a plain timer (not AbortSignal.any/timeout): the abort must reach the
  // body read too, and the timer is cleared as soon as the attempt is over.
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => ((timedOut = true), controller.abort()), Math.max(1, Math.round(timeoutSec * 1000)));
  const onStop = () => controller.abort();
  stop.addEventListener('abort', onStop, { once: true });
  if (stop.aborted) controller.abort();
  try {
    const response = await fetchFn(url, { method: 'POST', headers, body, signal: controller.signal, redirect: 'manual' });
    const excerpt = await readExcerpt(response);
    return { kind: 'response', status: response.status, excerpt, retryAfter: response.headers.get('retry-after') };
  } catch (error) {
    if (stop.aborted) return { kind: 'failed', error: 'interrupted: the delivery worker stopped', interrupted: true };
    if (timedOut) return { kind: 'failed', error: `timeout: no response within ${timeoutSec} s`, interrupted: false };
    return { kind: 'failed', error: describe(error), interrupted: false };
  } finally {
    clearTimeout(timer);
    stop.removeEventListener('abort', onStop);
  }
}
