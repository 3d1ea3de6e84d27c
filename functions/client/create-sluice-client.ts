import DataLoader from 'dataloader';
import { isOperation, type Operation, type Variables } from './operation.js';
import { postBatch, type FetchFunction, type GraphQLRequestBody } from './post-batch.js';
import { SluiceTransportError } from './sluice-error.js';

export interface SluiceClientOptions {
  /** The GraphQL endpoint, e.g. `http://localhost:8080/v1/graphql`. */
  readonly url: string;
  /** A scoped service key (`sk_…`), sent as `x-sluice-service-key`; the key must grant `role`. */
  readonly serviceKey?: string;
  /** The admin secret, for development; with it the client still acts as `role`, never admin. */
  readonly adminSecret?: string;
  /** The role every operation runs as (`x-hasura-role`). */
  readonly role: string;
  /** Session variables, sent as `x-hasura-<name>` headers (`user-id` or `x-hasura-user-id`). */
  readonly session?: Readonly<Record<string, string>>;
  /** Defaults to the global `fetch`. */
  readonly fetch?: FetchFunction;
  /** Per HTTP request (that is, per batch); default 10 s. */
  readonly timeoutMs?: number;
  /** Most operations in one HTTP request (the gateway accepts 100); more are split. */
  readonly maxBatchSize?: number;
}

/** `variables` is optional only when the operation has no required variables. */
export type VariablesArgs<TVariables extends Variables> = {} extends TVariables ? [variables?: TVariables] : [variables: TVariables];

export interface SluiceClient {
  /**
   * Runs one operation. Calls made in the same tick go out as one HTTP request (a batch the
   * gateway runs in order); each caller gets its own result or its own `SluiceError`.
   */
  request<TData, TVariables extends Variables>(operation: Operation<TData, TVariables>, ...args: VariablesArgs<TVariables>): Promise<TData>;
  /** Aborts requests in flight and refuses new ones (they reject with failure `closed`). */
  close(): void;
}

const reserved = new Set(['x-hasura-role', 'x-hasura-admin-secret', 'x-sluice-service-key']);

/** The headers that make every request act as `role` with the given credentials and session. */
function authHeaders(options: SluiceClientOptions): Record<string, string> {
  if (options.serviceKey !== undefined && options.adminSecret !== undefined) {
    throw new TypeError('give a Sluice client either a serviceKey or an adminSecret, not both');
  }
  if (typeof options.role !== 'string' || options.role === '') throw new TypeError('a Sluice client needs a role');
  const headers: Record<string, string> = { 'x-hasura-role': options.role };
  if (options.serviceKey !== undefined) headers['x-sluice-service-key'] = options.serviceKey;
  if (options.adminSecret !== undefined) headers['x-hasura-admin-secret'] = options.adminSecret;
  for (const [name, value] of Object.entries(options.session ?? {})) {
    const lower = name.toLowerCase();
    const header = lower.startsWith('x-hasura-') ? lower : `x-hasura-${lower}`;
    if (reserved.has(header)) throw new TypeError(`${name} is not a session variable: set the client's role and credentials instead`);
    headers[header] = value;
  }
  return headers;
}

/**
 * A client for Sluice's GraphQL API over `fetch` alone (no sockets kept, nothing to pool), fit for
 * a stateless function. Operations come only from `gql` or `defineOperation`, and values only
 * through variables: see `gql` for why.
 */
export function createSluiceClient(options: SluiceClientOptions): SluiceClient {
  const headers = authHeaders(options);
  const closing = new AbortController();
  const send = {
    url: options.url,
    headers,
    fetch: options.fetch ?? ((url: string, init: RequestInit) => fetch(url, init)),
    timeoutMs: options.timeoutMs ?? 10_000,
    closed: closing.signal,
  };
  // DataLoader collects every `load` of the current tick (and of the promise jobs it queues) into
  // one call of the batch function; `cache: false` because a mutation must run each time.
  const loader = new DataLoader<GraphQLRequestBody, unknown>((members) => postBatch(send, members), {
    cache: false,
    maxBatchSize: options.maxBatchSize ?? 100,
  });
  return {
    async request<TData, TVariables extends Variables>(operation: Operation<TData, TVariables>, ...args: VariablesArgs<TVariables>): Promise<TData> {
      if (!isOperation(operation)) {
        throw new TypeError('request takes an operation made by gql`…` or defineOperation(…), not a string: values go in variables');
      }
      const variables = args[0];
      if (variables !== undefined && (typeof variables !== 'object' || variables === null || Array.isArray(variables))) {
        throw new TypeError('variables must be an object');
      }
      if (closing.signal.aborted) throw new SluiceTransportError('closed', `POST ${options.url}: the Sluice client was closed`);
      const member: GraphQLRequestBody = {
        query: operation.text,
        ...(variables === undefined ? {} : { variables }),
        ...(operation.operationName === undefined ? {} : { operationName: operation.operationName }),
      };
      return (await loader.load(member)) as TData;
    },
    close() {
      closing.abort();
    },
  };
}
