/**
 * paid → approved | rejected, as role `restaurant`.
 *
 * Asks the (fake) restaurant to accept the order: it accepts while it is taking orders. The
 * restaurant may have closed since the order was validated, hence the second look.
 */
import { gql } from '../client/index.js';
import { defineFunction } from '../runner/index.js';
import { enteredStatus } from './entered-status.js';
import type { Order, OrderStatus, Skipped } from './order-types.js';
import { simulateLatency } from './simulate-latency.js';

export interface PaidOrder {
  readonly restaurant: { readonly name: string; readonly accepting_orders: boolean };
  readonly items: readonly { readonly quantity: number; readonly menu_item: { readonly name: string } }[];
}

const recordDecision = gql<
  { update_food_orders_by_pk: { id: number; status: OrderStatus } | null },
  { id: number; status: OrderStatus; reason: string | null }
>`
  mutation RecordRestaurantDecision($id: Int!, $status: String!, $reason: String) {
    update_food_orders_by_pk(pk_columns: {id: $id}, _set: {status: $status, status_reason: $reason}) { id status }
  }
`;

export default defineFunction<Order, PaidOrder>(async (event, { client, log, signal }): Promise<Skipped | { orderId: number; status: OrderStatus }> => {
  const order = event.event.data.new;
  const paid = event.event.enriched;
  if (order === null || enteredStatus(event) !== 'paid') return { skipped: 'not a newly paid order' };
  if (!paid) return { skipped: 'the order no longer exists' };
  await simulateLatency(signal);
  const accepted = paid.restaurant.accepting_orders;
  const { update_food_orders_by_pk: updated } = await client.request(recordDecision, {
    id: order.id,
    status: accepted ? 'approved' : 'rejected',
    reason: accepted ? null : `${paid.restaurant.name} stopped taking orders`,
  });
  if (updated === null) return { skipped: 'the order is no longer paid (this event was handled before)' };
  log.info({ orderId: order.id, restaurant: paid.restaurant.name, status: updated.status }, 'restaurant decided');
  return { orderId: updated.id, status: updated.status };
});
