/**
 * The order workflow end to end, as `npm start` runs it: customers place orders with a JWT, the
 * event triggers on food.orders deliver each status change to the runner's functions, and each
 * function writes the next state through the gateway with its own role and service key.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSluiceClient, gql, SluiceError, type SluiceClient } from '../../functions/client/index.js';
import { mintCustomerToken } from '../../functions/orders/demo/mint-customer-token.js';
import { customerRequest } from '../../functions/orders/demo/customer-request.js';
import { placeOrders } from '../../functions/orders/demo/place-orders.js';
import { watchOrders } from '../../functions/orders/demo/watch-orders.js';
import { startOrderWorkflowFixture, waitFor, type OrderWorkflowFixture } from './order-workflow-fixture.js';

let f: OrderWorkflowFixture;

beforeAll(async () => {
  f = await startOrderWorkflowFixture();
});

afterAll(async () => {
  await f?.close();
});

async function customer(id: number) {
  return { url: `${f.url}/v1/graphql`, token: await mintCustomerToken(f.secrets.jwtSecret, id) };
}

/** A client acting as `role` with the service key the runner gives function `keyEnv`. */
function functionClient(keyEnv: string, role: string): SluiceClient {
  return createSluiceClient({ url: `${f.url}/v1/graphql`, serviceKey: f.secrets.serviceKeys[keyEnv]!, role });
}

async function statusOf(id: number): Promise<string> {
  const { rows } = await f.db.pool.query<{ status: string }>('SELECT status FROM food.orders WHERE id = $1', [id]);
  return rows[0]!.status;
}

const setStatus = gql<{ update_food_orders_by_pk: { id: number } | null }, { id: number; status: string }>`
  mutation SetStatus($id: Int!, $status: String!) { update_food_orders_by_pk(pk_columns: {id: $id}, _set: {status: $status}) { id } }
`;

const placeOrder = gql<{ insert_food_orders_one: { id: number } }, { restaurantId: number; items: { menu_item_id: number; quantity: number }[] }>`
  mutation PlaceOrder($restaurantId: Int!, $items: [food_order_items_insert_input!]!) {
    insert_food_orders_one(object: {restaurant_id: $restaurantId, items: {data: $items}}) { id }
  }
`;

describe('the order workflow', () => {
  it('takes 50 orders placed by a customer from placed to delivered', async () => {
    const session = await customer(2);
    const placed = await placeOrders(session, 50);
    expect(placed).toHaveLength(50);
    const { orders, timedOut } = await watchOrders(session, placed.map((o) => o.id), { timeoutMs: 45_000 });
    expect(timedOut).toBe(false);
    expect(orders.map((o) => o.status)).toEqual(placed.map(() => 'delivered'));

    // Priced from the menu, paid once for that amount, delivered once by an active driver.
    const { rows } = await f.db.pool.query(`
      SELECT o.id, o.customer_id, o.total_cents,
             (SELECT sum(i.quantity * m.price_cents)::int FROM food.order_items i JOIN food.menu_items m ON m.id = i.menu_item_id WHERE i.order_id = o.id) AS menu_total,
             (SELECT json_agg(json_build_object('amount', p.amount_cents, 'status', p.status)) FROM food.payments p WHERE p.order_id = o.id) AS payments,
             (SELECT count(*)::int FROM food.deliveries d JOIN food.drivers r ON r.id = d.driver_id WHERE d.order_id = o.id AND d.delivered_at IS NOT NULL AND r.active) AS deliveries
        FROM food.orders o WHERE o.id = ANY($1) ORDER BY o.id`, [placed.map((o) => o.id)]);
    expect(rows).toHaveLength(50);
    for (const row of rows) {
      expect(row.customer_id).toBe(2);
      expect(row.total_cents).toBe(row.menu_total);
      expect(row.payments).toEqual([{ amount: row.total_cents, status: 'succeeded' }]);
      expect(row.deliveries).toBe(1);
    }
  });

  it('lets each function\'s key act only as its role, and each role only take its own step', async () => {
    // Hold the payment step so that an order waits, validated, for the checks below.
    await f.metadata('sluice_pause_event_trigger', { name: 'take_payment' });
    const [order] = await placeOrders(await customer(3), 1);
    await waitFor(async () => (await statusOf(order!.id)) === 'validated', 'the order to be validated');

    const payments = functionClient('PAYMENTS_SERVICE_KEY', 'payments');
    const refused = payments.request(setStatus, { id: order!.id, status: 'delivered' });
    await expect(refused).rejects.toBeInstanceOf(SluiceError);
    await expect(refused).rejects.toMatchObject({ code: 'permission-error' });
    // The validator's step is over; the courier's has not come.
    expect(await functionClient('ORDER_VALIDATOR_SERVICE_KEY', 'order_validator').request(setStatus, { id: order!.id, status: 'rejected' })).toEqual({ update_food_orders_by_pk: null });
    expect(await functionClient('COURIER_SERVICE_KEY', 'courier').request(setStatus, { id: order!.id, status: 'delivered' })).toEqual({ update_food_orders_by_pk: null });
    // The payments key cannot borrow another function's role.
    await expect(functionClient('PAYMENTS_SERVICE_KEY', 'courier').request(setStatus, { id: order!.id, status: 'delivered' })).rejects.toMatchObject({ code: 'access-denied' });
    expect(await statusOf(order!.id)).toBe('validated');

    await f.metadata('sluice_resume_event_trigger', { name: 'take_payment' });
    await waitFor(async () => (await statusOf(order!.id)) === 'delivered', 'the order to be delivered');
  });

  it('takes one payment per event, even when the event arrives twice at once and again later', async () => {
    await f.metadata('sluice_pause_event_trigger', { name: 'take_payment' });
    const [order] = await placeOrders(await customer(1), 1);
    const id = order!.id;
    await waitFor(async () => (await statusOf(id)) === 'validated', 'the order to be validated');
    let event: { id: string; created_at: Date; data: unknown } | undefined;
    await waitFor(async () => {
      const { rows } = await f.db.pool.query(
        `SELECT id, created_at, data FROM sluice.event_log WHERE trigger_name = 'take_payment' AND data->'new'->>'id' = $1 AND data->'new'->>'status' = 'validated'`,
        [String(id)],
      );
      event = rows[0];
      return event !== undefined;
    }, 'the validated event');

    // The same event, delivered twice concurrently (as two workers might after a lost lock).
    const body = JSON.stringify({
      id: event!.id,
      created_at: event!.created_at.toISOString(),
      trigger: { name: 'take_payment' },
      table: { schema: 'food', name: 'orders' },
      event: { op: 'UPDATE', data: event!.data, session_variables: null },
      delivery_info: { current_retry: 0, max_retries: 5 },
    });
    const deliver = () =>
      fetch(`${f.workflow.functions.url}/take-payment`, { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': event!.id }, body });
    const answers = await Promise.all([deliver(), deliver()]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    const results = (await Promise.all(answers.map((a) => a.json()))) as Record<string, unknown>[];
    expect(results.filter((r) => r.status === 'paid')).toHaveLength(1);
    expect(results.filter((r) => typeof r.skipped === 'string')).toHaveLength(1);
    const paymentsOf = async () => (await f.db.pool.query('SELECT idempotency_key, status FROM food.payments WHERE order_id = $1', [id])).rows;
    expect(await paymentsOf()).toEqual([{ idempotency_key: event!.id, status: 'succeeded' }]);

    // And once more by the delivery worker, the ordinary way.
    await f.metadata('sluice_resume_event_trigger', { name: 'take_payment' });
    await waitFor(async () => (await f.db.pool.query(`SELECT 1 FROM sluice.event_log WHERE id = $1 AND status = 'delivered'`, [event!.id])).rowCount === 1, 'the event to be delivered');
    await waitFor(async () => (await statusOf(id)) === 'delivered', 'the order to be delivered');

    expect(await paymentsOf()).toEqual([{ idempotency_key: event!.id, status: 'succeeded' }]);
  });

  it('ends the orders it cannot fulfil with a reason: rejected by the validator, failed at payment', async () => {
    const session = await customer(3);
    const order = async (restaurantId: number, items: { menu_item_id: number; quantity: number }[]) =>
      (await customerRequest(session, placeOrder, { restaurantId, items })).insert_food_orders_one.id;
    const closed = await order(4, [{ menu_item_id: 11, quantity: 1 }]);
    const unavailable = await order(1, [{ menu_item_id: 4, quantity: 1 }]);
    const elsewhere = await order(1, [{ menu_item_id: 5, quantity: 1 }]);
    // 20 × 12.50 + 20 × 10.50 + 20 × 6.50 = 590.00: over the fake provider's limit.
    const expensive = await order(1, [1, 2, 3].map((id) => ({ menu_item_id: id, quantity: 20 })));
    const { orders, timedOut } = await watchOrders(session, [closed, unavailable, elsewhere, expensive], { timeoutMs: 30_000 });
    expect(timedOut).toBe(false);
    expect(orders.map(({ id, status, status_reason, total_cents }) => ({ id, status, status_reason, total_cents }))).toEqual([
      { id: closed, status: 'rejected', status_reason: 'the restaurant is not taking orders', total_cents: null },
      { id: unavailable, status: 'rejected', status_reason: 'Truffle risotto is not available', total_cents: null },
      { id: elsewhere, status: 'rejected', status_reason: "Falafel bowl is not on this restaurant's menu", total_cents: null },
      { id: expensive, status: 'failed', status_reason: 'the card was declined', total_cents: 59_000 },
    ]);
    const { rows } = await f.db.pool.query('SELECT order_id, amount_cents, status FROM food.payments WHERE order_id = ANY($1) ORDER BY order_id', [[closed, unavailable, elsewhere, expensive]]);
    expect(rows).toEqual([{ order_id: expensive, amount_cents: 59_000, status: 'declined' }]);
  });
});
