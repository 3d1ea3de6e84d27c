import type { Logger } from 'pino';
import type { SluiceClient } from '../client/index.js';
import type { SluiceFunction } from './function-types.js';

export type InvocationOutcome =
  | { readonly kind: 'result'; readonly value: unknown }
  | { readonly kind: 'error'; readonly error: unknown }
  | { readonly kind: 'timeout' };

export interface Invocation {
  readonly name: string;
  readonly handler: SluiceFunction<unknown>;
  readonly event: unknown;
  readonly idempotencyKey: string | undefined;
  readonly client: SluiceClient;
  readonly log: Logger;
  readonly timeoutMs: number;
}

/**
 * Runs one invocation under its timeout. On timeout the context's signal is aborted and its
 * client closed, so the abandoned invocation can no longer write through Sluice; either way the
 * client is closed when the invocation ends. Never rejects.
 */
export async function invokeFunction(invocation: Invocation): Promise<InvocationOutcome> {
  const { handler, client } = invocation;
  const aborter = new AbortController();
  const context = { name: invocation.name, client, idempotencyKey: invocation.idempotencyKey, log: invocation.log, signal: aborter.signal };
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<InvocationOutcome>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'timeout' }), invocation.timeoutMs);
  });
  const ran = Promise.resolve()
    .then(() => handler(invocation.event, context))
    .then(
      (value): InvocationOutcome => ({ kind: 'result', value }),
      (error: unknown): InvocationOutcome => ({ kind: 'error', error }),
    );
  try {
    const outcome = await Promise.race([ran, timedOut]);
    if (outcome.kind === 'timeout') aborter.abort(new Error(`timed out after ${invocation.timeoutMs} ms`));
    return outcome;
  } finally {
    clearTimeout(timer);
    client.close();
  }
}
