/**
 * driver_assigned → delivered, as role `courier`.
 *
 * The (fake) driver takes the food to the customer; then, in one mutation, the delivery gets its
 * time and the order its final state.
 */
import { gql } from '../client/index.js';
import { defineFunction } from '../runner/index.js';
import { enteredStatus } from './entered-status.js';
import type { Order, OrderStatus, Skipped } from './order-types.js';
import { simulateLatency } from './simulate-latency.js';

export interface AssignedOrder {
  readonly customer: { readonly address: string };
  readonly delivery: { readonly driver: { readonly name: string } } | null;
}

const completeDelivery = gql<
  { update_food_deliveries: { affected_rows: number } | null; update_food_orders_by_pk: { id: number; status: OrderStatus } | null },
  { id: number; at: string }
>`
  mutation CompleteDelivery($id: Int!, $at: timestamptz!) {
    update_food_deliveries(where: {order_id: {_eq: $id}}, _set: {delivered_at: $at}) { affected_rows }
    update_food_orders_by_pk(pk_columns: {id: $id}, _set: {status: "delivered"}) { id status }
  }
`;

export default defineFunction<Order, AssignedOrder>(async (event, { client, log, signal }): Promise<Skipped | { orderId: number; status: OrderStatus }> => {
  const order = event.event.data.new;
  const assigned = event.event.enriched;
  if (order === null || enteredStatus(event) !== 'driver_assigned') return { skipped: 'not a newly assigned order' };
  if (!assigned) return { skipped: 'the order no longer exists' };
  await simulateLatency(signal);
  const { update_food_orders_by_pk: updated } = await client.request(completeDelivery, { id: order.id, at: new Date().toISOString() });
  if (updated === null) return { skipped: 'the order is no longer out with a driver (this event was handled before)' };
  log.info({ orderId: order.id, driver: assigned.delivery?.driver.name, to: assigned.customer.address }, 'order delivered');
  return { orderId: updated.id, status: updated.status };
});
