/**
 * One GraphQL request as a signed-in customer: the JWT as a bearer token, the operation text a
 * constant of the source, every value a variable.
 */
import type { Operation, Variables } from '../../client/index.js';

export interface CustomerSession {
  /** The gateway's GraphQL endpoint. */
  readonly url: string;
  readonly token: string;
  readonly fetch?: typeof globalThis.fetch;
}

export class CustomerRequestError extends Error {}

export async function customerRequest<TData, TVariables extends Variables>(
  session: CustomerSession,
  operation: Operation<TData, TVariables>,
  variables: TVariables,
): Promise<TData> {
  const response = await (session.fetch ?? fetch)(session.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${session.token}` },
    body: JSON.stringify({ query: operation.text, variables }),
    signal: AbortSignal.timeout(10_000),
  });
  const body = (await response.json()) as { data?: TData; errors?: { message: string; extensions?: { code?: string } }[] };
  if (body.errors?.length || body.data === undefined) {
    const first = body.errors?.[0];
    throw new CustomerRequestError(first ? `${first.message} (${first.extensions?.code ?? 'error'})` : `HTTP ${response.status} without data`);
  }
  return body.data;
}
