/**
 * approved → driver_assigned, as role `dispatcher`.
 *
 * Picks an active driver and, in one mutation, creates the delivery and moves the order on. The
 * pick is a function of the order id, so a redelivered event picks the same driver, and
 * `deliveries_order_id_key` (with on_conflict: do nothing) keeps one delivery per order anyway.
 */
import { gql } from '../client/index.js';
import { defineFunction } from '../runner/index.js';
import { enteredStatus } from './entered-status.js';
import type { Order, OrderStatus, Skipped } from './order-types.js';
import { simulateLatency } from './simulate-latency.js';

const activeDrivers = gql<{ food_drivers: { id: number; name: string }[] }>`
  query ActiveDrivers { food_drivers(order_by: {id: asc}) { id name } }
`;

const assignDriver = gql<
  { insert_food_deliveries_one: { id: number } | null; update_food_orders_by_pk: { id: number; status: OrderStatus } | null },
  { id: number; driverId: number }
>`
  mutation AssignDriver($id: Int!, $driverId: Int!) {
    insert_food_deliveries_one(object: {order_id: $id, driver_id: $driverId}, on_conflict: {constraint: deliveries_order_id_key, update_columns: []}) { id }
    update_food_orders_by_pk(pk_columns: {id: $id}, _set: {status: "driver_assigned"}) { id status }
  }
`;

export default defineFunction<Order>(async (event, { client, log, signal }): Promise<Skipped | { orderId: number; status: OrderStatus; driver: string }> => {
  const order = event.event.data.new;
  if (order === null || enteredStatus(event) !== 'approved') return { skipped: 'not a newly approved order' };
  const { food_drivers: drivers } = await client.request(activeDrivers);
  // Throwing makes the delivery worker retry later, when a driver may be back on shift.
  if (drivers.length === 0) throw new Error('no active driver');
  const driver = drivers[order.id % drivers.length]!;
  await simulateLatency(signal);
  const { update_food_orders_by_pk: updated } = await client.request(assignDriver, { id: order.id, driverId: driver.id });
  if (updated === null) return { skipped: 'the order is no longer approved (this event was handled before)' };
  log.info({ orderId: order.id, driver: driver.name }, 'driver assigned');
  return { orderId: updated.id, status: updated.status, driver: driver.name };
});
