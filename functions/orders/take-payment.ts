/**
 * validated → paid | failed, as role `payments`.
 *
 * Charges the order's total with the fake provider, keyed by the event id, and in one mutation
 * (one transaction) records the payment and moves the order on. Delivery is at least once, so the
 * same event may arrive again: the provider returns the same charge for the same key, the insert
 * meets `payments_idempotency_key_key` and does nothing, and the order, no longer `validated`, is
 * left alone. One event, one payment.
 */
import { gql } from '../client/index.js';
import { defineFunction } from '../runner/index.js';
import { enteredStatus } from './entered-status.js';
import { chargeCard } from './fake-payment-provider.js';
import type { Order, OrderStatus, Skipped } from './order-types.js';
import { simulateLatency } from './simulate-latency.js';

interface PaymentInput {
  readonly order_id: number;
  readonly idempotency_key: string;
  readonly amount_cents: number;
  readonly provider_ref: string;
  readonly status: 'succeeded' | 'declined';
}

const recordPayment = gql<
  { insert_food_payments_one: { id: number } | null; update_food_orders_by_pk: { id: number; status: OrderStatus } | null },
  { payment: PaymentInput; id: number; status: OrderStatus; reason: string | null }
>`
  mutation RecordPayment($payment: food_payments_insert_input!, $id: Int!, $status: String!, $reason: String) {
    insert_food_payments_one(object: $payment, on_conflict: {constraint: payments_idempotency_key_key, update_columns: []}) { id }
    update_food_orders_by_pk(pk_columns: {id: $id}, _set: {status: $status, status_reason: $reason}) { id status }
  }
`;

export default defineFunction<Order>(async (event, { client, idempotencyKey, log, signal }): Promise<Skipped | { orderId: number; status: OrderStatus; paymentId: number | null }> => {
  const order = event.event.data.new;
  if (order === null || enteredStatus(event) !== 'validated') return { skipped: 'not a newly validated order' };
  if (order.total_cents === null) throw new Error(`order ${order.id} was validated without a total`);
  const key = idempotencyKey ?? event.id;
  await simulateLatency(signal);
  const charge = chargeCard({ amountCents: order.total_cents, idempotencyKey: key });
  const paid = charge.status === 'succeeded';
  const result = await client.request(recordPayment, {
    payment: { order_id: order.id, idempotency_key: key, amount_cents: charge.amountCents, provider_ref: charge.id, status: charge.status },
    id: order.id,
    status: paid ? 'paid' : 'failed',
    reason: paid ? null : 'the card was declined',
  });
  const updated = result.update_food_orders_by_pk;
  if (updated === null) return { skipped: 'the order is no longer validated (this event was handled before)' };
  log.info({ orderId: order.id, charge: charge.id, status: updated.status }, 'payment taken');
  return { orderId: updated.id, status: updated.status, paymentId: result.insert_food_payments_one?.id ?? null };
});
