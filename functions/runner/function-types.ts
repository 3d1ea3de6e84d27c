import type { Logger } from 'pino';
import type { SluiceClient } from '../client/index.js';

/** Hasura's event operations; `MANUAL` comes from `pg_invoke_event_trigger`. */
export type EventOperation = 'INSERT' | 'UPDATE' | 'DELETE' | 'MANUAL';

/**
 * The body of an event delivery, in Hasura's shape: the row before and after the change (`old`
 * is null for an insert, `new` for a delete) and the session of the writer. Beyond Hasura,
 * `event.enriched` holds the related data a trigger's `enrich` selection asked for.
 */
export interface EventPayload<TRow = Record<string, unknown>, TEnriched = unknown> {
  readonly id: string;
  readonly created_at: string;
  readonly trigger: { readonly name: string };
  readonly table: { readonly schema: string; readonly name: string };
  readonly event: {
    readonly op: EventOperation;
    readonly data: { readonly old: TRow | null; readonly new: TRow | null };
    readonly session_variables: Readonly<Record<string, string>> | null;
    readonly trace_context?: unknown;
    /** Present when the trigger declares an `enrich` selection (null when the row is gone). */
    readonly enriched?: TEnriched | null;
  };
  readonly delivery_info: { readonly current_retry: number; readonly max_retries: number };
}

/** What a function gets besides its event. Nothing in it outlives the invocation. */
export interface FunctionContext {
  /** The function's name in the manifest (its URL path). */
  readonly name: string;
  /**
   * A client acting as the function's own role with its own service key, closed when the
   * invocation ends (a promise left running cannot reach Sluice afterwards).
   */
  readonly client: SluiceClient;
  /**
   * The delivery's `Idempotency-Key` header (Sluice sends the event id), or the body's `id` when
   * the header is missing. The same event redelivered has the same key: use it to make side
   * effects (a payment, an email) happen once.
   */
  readonly idempotencyKey: string | undefined;
  /** A child logger with the function name and the idempotency key. */
  readonly log: Logger;
  /** Aborted when the invocation times out; pass it to `fetch` and the like. */
  readonly signal: AbortSignal;
}

/**
 * A function: the default export of a function module. It keeps no state of its own — the
 * database holds it — so any instance may serve any event, and instances come and go.
 */
export type SluiceFunction<TEvent = EventPayload, TResult = unknown> = (event: TEvent, context: FunctionContext) => Promise<TResult> | TResult;

/**
 * Types a function's event by the row of its table (and the shape of its `enrich` selection):
 * `export default defineFunction<Order>(async (event, { client }) => …)`.
 */
export function defineFunction<TRow = Record<string, unknown>, TEnriched = unknown, TResult = unknown>(
  fn: SluiceFunction<EventPayload<TRow, TEnriched>, TResult>,
): SluiceFunction<EventPayload<TRow, TEnriched>, TResult> {
  return fn;
}
