import { SluiceError, SluiceTransportError, type GraphQLErrorBody } from './sluice-error.js';

/** One member of a batch, as `POST /v1/graphql` takes it. */
export interface GraphQLRequestBody {
  readonly query: string;
  readonly variables?: Readonly<Record<string, unknown>>;
  readonly operationName?: string;
}

export type FetchFunction = (url: string, init: RequestInit) => Promise<Response>;

export interface PostBatchOptions {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly fetch: FetchFunction;
  readonly timeoutMs: number;
  /** Aborted when the client is closed. */
  readonly closed: AbortSignal;
}

/**
 * Sends the members as one JSON-array request (Hasura's batch: answered with an array in the
 * same order) and returns, per member, its `data` or a `SluiceError`. Anything that leaves the
 * whole batch without GraphQL answers throws a `SluiceTransportError`.
 */
export async function postBatch(options: PostBatchOptions, members: readonly GraphQLRequestBody[]): Promise<(unknown | SluiceError)[]> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = AbortSignal.any([options.closed, timeout]);
  const where = `POST ${options.url}`;
  let status: number;
  let text: string;
  try {
    const response = await options.fetch(options.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...options.headers },
      body: JSON.stringify(members),
      signal,
    });
    status = response.status;
    text = await response.text();
  } catch (error) {
    if (options.closed.aborted) throw new SluiceTransportError('closed', `${where}: the Sluice client was closed`, { cause: error });
    if (timeout.aborted) throw new SluiceTransportError('timeout', `${where}: no answer within ${options.timeoutMs} ms`, { cause: error });
    throw new SluiceTransportError('network', `${where} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  if (status !== 200) throw new SluiceTransportError('http', `${where} answered HTTP ${status}: ${excerpt(text)}`, { status });
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new SluiceTransportError('protocol', `${where} answered something that is not JSON: ${excerpt(text)}`, { status, cause: error });
  }
  // A request the gateway refuses as a whole (bad credentials, say) is one error object, not an array.
  if (isErrorResponse(body)) {
    const error = new SluiceError(body.errors);
    return members.map(() => error);
  }
  if (!Array.isArray(body) || body.length !== members.length) {
    throw new SluiceTransportError('protocol', `${where}: expected an array of ${members.length} results, got ${excerpt(text)}`, { status });
  }
  return body.map((result: unknown) => {
    if (isErrorResponse(result)) return new SluiceError(result.errors);
    if (typeof result === 'object' && result !== null && 'data' in result) return result.data;
    return new SluiceError([{ message: `the gateway answered neither data nor errors: ${excerpt(JSON.stringify(result))}` }]);
  });
}

function isErrorResponse(value: unknown): value is { errors: GraphQLErrorBody[] } {
  return typeof value === 'object' && value !== null && Array.isArray((value as { errors?: unknown }).errors) && (value as { errors: unknown[] }).errors.length > 0;
}

function excerpt(text: string): string {
  return text.length > 500 ? `${text.slice(0, 500)}…` : text;
}
