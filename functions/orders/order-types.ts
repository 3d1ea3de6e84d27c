/**
 * The order workflow's shared vocabulary: an order row as events carry it (`food.orders`, see
 * migrations/example/0002_orders.sql) and its states.
 */
import type { EventPayload } from '../runner/index.js';

export const orderStatuses = [
  'placed',
  'validated',
  'paid',
  'approved',
  'driver_assigned',
  'delivered',
  'rejected',
  'failed',
  'cancelled',
] as const;

export type OrderStatus = (typeof orderStatuses)[number];

/** States an order never leaves. */
export const finalStatuses: readonly OrderStatus[] = ['delivered', 'rejected', 'failed', 'cancelled'];

/** A `food.orders` row as the event's `data.old` / `data.new` carry it. */
export interface Order {
  readonly id: number;
  readonly customer_id: number;
  readonly restaurant_id: number;
  readonly status: OrderStatus;
  readonly status_reason: string | null;
  readonly total_cents: number | null;
  readonly created_at: string;
}

export type OrderEvent<TEnriched = unknown> = EventPayload<Order, TEnriched>;

/** What a function answers when the event is not the transition it handles. */
export interface Skipped {
  readonly skipped: string;
}
