/**
 * Follows orders as their customer until each reaches a final state (or time runs out), polling
 * the customer's own view of them: the customer sees the workflow only through the rows its
 * permissions let it read.
 */
import { gql } from '../../client/index.js';
import { finalStatuses, type OrderStatus } from '../order-types.js';
import { customerRequest, type CustomerSession } from './customer-request.js';

export interface OrderProgress {
  readonly id: number;
  readonly status: OrderStatus;
  readonly status_reason: string | null;
  readonly total_cents: number | null;
}

const ordersByIds = gql<{ food_orders: OrderProgress[] }, { ids: number[] }>`
  query FollowOrders($ids: [Int!]!) {
    food_orders(where: {id: {_in: $ids}}, order_by: {id: asc}) { id status status_reason total_cents }
  }
`;

export interface WatchOptions {
  readonly timeoutMs: number;
  readonly pollMs?: number;
  /** Called after every poll with the orders as they are now. */
  readonly onProgress?: (orders: readonly OrderProgress[]) => void;
}

/** The orders in their final states, or as they were when time ran out (`timedOut`). */
export async function watchOrders(session: CustomerSession, ids: readonly number[], options: WatchOptions): Promise<{ orders: OrderProgress[]; timedOut: boolean }> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const { food_orders: orders } = await customerRequest(session, ordersByIds, { ids: [...ids] });
    options.onProgress?.(orders);
    const done = orders.length === ids.length && orders.every((o) => finalStatuses.includes(o.status));
    if (done) return { orders, timedOut: false };
    if (Date.now() >= deadline) return { orders, timedOut: true };
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 200));
  }
}
