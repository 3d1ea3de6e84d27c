import type { OrderEvent, OrderStatus } from './order-types.js';

/**
 * The status the order has just entered with this event, or null when its status did not change.
 *
 * Why functions need it: Hasura's update triggers (`update: {columns: [status]}`) fire on any
 * change of the column, not on a particular value, so every workflow function receives every
 * status change and acts only on its own transition. The insert of an order enters `placed`.
 */
export function enteredStatus(event: OrderEvent): OrderStatus | null {
  const { op, data } = event.event;
  if (data.new === null) return null;
  if (op === 'INSERT' || op === 'MANUAL') return data.new.status;
  if (op === 'UPDATE' && data.old?.status !== data.new.status) return data.new.status;
  return null;
}
