/** One error of a GraphQL response, in Hasura's shape (`extensions.code`, `extensions.path`). */
export interface GraphQLErrorBody {
  readonly message: string;
  readonly extensions?: { readonly code?: string; readonly path?: string; readonly [key: string]: unknown };
  readonly path?: readonly (string | number)[];
}

/**
 * The gateway answered this operation with GraphQL errors (HTTP 200, as Hasura does): a
 * permission, validation or constraint problem of this call only. `code`, `path` and `message`
 * are the first error's; `errors` holds them all.
 */
export class SluiceError extends Error {
  override readonly name = 'SluiceError';
  /** Hasura's error code: `validation-failed`, `constraint-violation`, `access-denied`, … */
  readonly code: string;
  /** Hasura's JSON path of the error (`$.selectionSet.orders`), or `$` when none is given. */
  readonly path: string;
  readonly errors: readonly GraphQLErrorBody[];

  constructor(errors: readonly GraphQLErrorBody[]) {
    const first = errors[0] ?? { message: 'the gateway returned an empty error list' };
    super(first.message);
    this.code = first.extensions?.code ?? 'unexpected';
    this.path = first.extensions?.path ?? (first.path ? `$.${first.path.join('.')}` : '$');
    this.errors = errors;
  }
}

export type TransportFailure = 'http' | 'network' | 'timeout' | 'protocol' | 'closed';

/**
 * The operation never got a GraphQL answer: the gateway answered a non-200 status (`http`), could
 * not be reached (`network`), took longer than the client's timeout (`timeout`), answered
 * something that is not a GraphQL response (`protocol`), or the client was closed (`closed`).
 * Every operation of the batch fails the same way. It is safe to retry only if the operations
 * are idempotent: a timed-out mutation may have been committed.
 */
export class SluiceTransportError extends Error {
  override readonly name = 'SluiceTransportError';
  readonly failure: TransportFailure;
  /** The HTTP status, for `http` and `protocol` failures. */
  readonly status: number | undefined;

  constructor(failure: TransportFailure, message: string, options: { status?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.failure = failure;
    this.status = options.status;
  }
}
