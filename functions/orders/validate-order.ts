/**
 * placed → validated | rejected, as role `order_validator`.
 *
 * Checks what the customer could not be trusted with: every item is on this restaurant's menu
 * and available, the restaurant takes orders, and the order is not empty; then prices the order
 * from the menu (the customer never sends a price). The trigger's `enrich` selection brings the
 * items with their menu prices, so the function reads nothing itself.
 */
import { gql } from '../client/index.js';
import { defineFunction } from '../runner/index.js';
import { enteredStatus } from './entered-status.js';
import type { Order, OrderStatus, Skipped } from './order-types.js';

export interface PlacedOrder {
  readonly restaurant: { readonly id: number; readonly accepting_orders: boolean };
  readonly items: readonly {
    readonly quantity: number;
    readonly menu_item: { readonly id: number; readonly name: string; readonly restaurant_id: number; readonly price_cents: number; readonly available: boolean };
  }[];
}

export type Validation = { readonly status: 'validated'; readonly totalCents: number } | { readonly status: 'rejected'; readonly reason: string };

/** The decision alone, apart from any I/O. */
export function validateOrder(order: PlacedOrder): Validation {
  if (!order.restaurant.accepting_orders) return { status: 'rejected', reason: 'the restaurant is not taking orders' };
  if (order.items.length === 0) return { status: 'rejected', reason: 'the order has no items' };
  for (const { menu_item: item } of order.items) {
    if (item.restaurant_id !== order.restaurant.id) return { status: 'rejected', reason: `${item.name} is not on this restaurant's menu` };
    if (!item.available) return { status: 'rejected', reason: `${item.name} is not available` };
  }
  const totalCents = order.items.reduce((sum, { quantity, menu_item }) => sum + quantity * menu_item.price_cents, 0);
  return { status: 'validated', totalCents };
}

const recordValidation = gql<
  { update_food_orders_by_pk: { id: number; status: OrderStatus } | null },
  { id: number; status: OrderStatus; totalCents: number | null; reason: string | null }
>`
  mutation RecordValidation($id: Int!, $status: String!, $totalCents: Int, $reason: String) {
    update_food_orders_by_pk(pk_columns: {id: $id}, _set: {status: $status, total_cents: $totalCents, status_reason: $reason}) { id status }
  }
`;

export default defineFunction<Order, PlacedOrder>(async (event, { client, log }): Promise<Skipped | { orderId: number; status: OrderStatus }> => {
  const order = event.event.data.new;
  const placed = event.event.enriched;
  if (order === null || enteredStatus(event) !== 'placed') return { skipped: 'not a newly placed order' };
  if (!placed) return { skipped: 'the order no longer exists' };
  const validation = validateOrder(placed);
  const { update_food_orders_by_pk: updated } = await client.request(recordValidation, {
    id: order.id,
    status: validation.status,
    totalCents: validation.status === 'validated' ? validation.totalCents : null,
    reason: validation.status === 'rejected' ? validation.reason : null,
  });
  // The permission only lets it update a placed order: null means it moved on meanwhile
  // (cancelled by the customer, or validated by an earlier delivery of this same event).
  if (updated === null) return { skipped: 'the order is no longer placed' };
  log.info({ orderId: order.id, status: updated.status }, 'order validated');
  return { orderId: updated.id, status: updated.status };
});
