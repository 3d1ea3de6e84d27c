/**
 * The decisions of the workflow's functions, apart from any I/O: which transition an event is,
 * what the validator accepts, and that the fake provider is idempotent by key.
 */
import { describe, expect, it } from 'vitest';
import { enteredStatus } from '../../functions/orders/entered-status.js';
import { chargeCard, declineAboveCents } from '../../functions/orders/fake-payment-provider.js';
import type { Order, OrderEvent } from '../../functions/orders/order-types.js';
import { validateOrder, type PlacedOrder } from '../../functions/orders/validate-order.js';

const order = (status: Order['status']): Order => ({ id: 1, customer_id: 1, restaurant_id: 1, status, status_reason: null, total_cents: null, created_at: '2030-01-01T00:00:00Z' });

function event(op: OrderEvent['event']['op'], old: Order | null, now: Order | null): OrderEvent {
  return {
    id: 'e1',
    created_at: '2030-01-01T00:00:00Z',
    trigger: { name: 't' },
    table: { schema: 'food', name: 'orders' },
    event: { op, data: { old, new: now }, session_variables: null },
    delivery_info: { current_retry: 0, max_retries: 0 },
  };
}

describe('enteredStatus', () => {
  it('is the new status of an insert, or of an update that changed it', () => {
    expect(enteredStatus(event('INSERT', null, order('placed')))).toBe('placed');
    expect(enteredStatus(event('UPDATE', order('placed'), order('validated')))).toBe('validated');
  });

  it('is null when the status did not change, or the row is gone', () => {
    expect(enteredStatus(event('UPDATE', order('paid'), order('paid')))).toBeNull();
    expect(enteredStatus(event('DELETE', order('paid'), null))).toBeNull();
  });
});

describe('validateOrder', () => {
  const item = (id: number, restaurant_id: number, price_cents: number, available = true) => ({ id, name: `dish ${id}`, restaurant_id, price_cents, available });
  const placed = (items: PlacedOrder['items'], accepting_orders = true): PlacedOrder => ({ restaurant: { id: 1, accepting_orders }, items });

  it('prices an order from the menu', () => {
    expect(validateOrder(placed([{ quantity: 2, menu_item: item(1, 1, 1250) }, { quantity: 1, menu_item: item(2, 1, 650) }]))).toEqual({ status: 'validated', totalCents: 3150 });
  });

  it('rejects an empty order, a closed restaurant, another menu\'s dish and an unavailable one', () => {
    expect(validateOrder(placed([]))).toEqual({ status: 'rejected', reason: 'the order has no items' });
    expect(validateOrder(placed([{ quantity: 1, menu_item: item(1, 1, 100) }], false))).toEqual({ status: 'rejected', reason: 'the restaurant is not taking orders' });
    expect(validateOrder(placed([{ quantity: 1, menu_item: item(7, 2, 100) }]))).toEqual({ status: 'rejected', reason: "dish 7 is not on this restaurant's menu" });
    expect(validateOrder(placed([{ quantity: 1, menu_item: item(3, 1, 100, false) }]))).toEqual({ status: 'rejected', reason: 'dish 3 is not available' });
  });
});

describe('the fake payment provider', () => {
  it('answers the same charge for the same idempotency key, another for another key', () => {
    const first = chargeCard({ amountCents: 1000, idempotencyKey: 'event-1' });
    expect(chargeCard({ amountCents: 1000, idempotencyKey: 'event-1' })).toEqual(first);
    expect(chargeCard({ amountCents: 1000, idempotencyKey: 'event-2' }).id).not.toBe(first.id);
    expect(first).toMatchObject({ status: 'succeeded', amountCents: 1000 });
  });

  it('declines amounts over its limit', () => {
    expect(chargeCard({ amountCents: declineAboveCents + 1, idempotencyKey: 'k' }).status).toBe('declined');
    expect(chargeCard({ amountCents: declineAboveCents, idempotencyKey: 'k' }).status).toBe('succeeded');
  });
});
