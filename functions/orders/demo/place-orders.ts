/**
 * Places orders as the signed-in customer, the way a frontend would: it reads the open
 * restaurants and their menus, then inserts each order with its items in one mutation. Prices
 * are not sent: the workflow's validator prices the order from the menu.
 */
import { gql } from '../../client/index.js';
import { customerRequest, type CustomerSession } from './customer-request.js';

export interface PlacedOrder {
  readonly id: number;
  readonly restaurant: string;
}

interface Menu {
  readonly food_restaurants: { id: number; name: string; menu_items: { id: number }[] }[];
}

const openMenus = gql<Menu, Record<string, never>>`
  query OpenMenus {
    food_restaurants(where: {accepting_orders: {_eq: true}}, order_by: {id: asc}) {
      id name menu_items(where: {available: {_eq: true}}, order_by: {id: asc}) { id }
    }
  }
`;

const placeOrder = gql<
  { insert_food_orders_one: { id: number } | null },
  { restaurantId: number; items: { menu_item_id: number; quantity: number }[] }
>`
  mutation PlaceOrder($restaurantId: Int!, $items: [food_order_items_insert_input!]!) {
    insert_food_orders_one(object: {restaurant_id: $restaurantId, items: {data: $items}}) { id }
  }
`;

/** A deterministic basket for the i-th order: one to three dishes, one or two of each. */
function basket(menu: readonly { id: number }[], i: number): { menu_item_id: number; quantity: number }[] {
  const count = Math.min(menu.length, 1 + (i % 3));
  return Array.from({ length: count }, (_, k) => ({ menu_item_id: menu[(i + k) % menu.length]!.id, quantity: 1 + ((i + k) % 2) }));
}

export async function placeOrders(session: CustomerSession, count: number): Promise<PlacedOrder[]> {
  const restaurants = (await customerRequest(session, openMenus, {})).food_restaurants.filter((r) => r.menu_items.length > 0);
  if (restaurants.length === 0) throw new Error('no restaurant is taking orders');
  const placed = await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const restaurant = restaurants[i % restaurants.length]!;
      const { insert_food_orders_one: order } = await customerRequest(session, placeOrder, { restaurantId: restaurant.id, items: basket(restaurant.menu_items, i) });
      if (order === null) throw new Error('the order was not placed');
      return { id: order.id, restaurant: restaurant.name };
    }),
  );
  return placed.sort((a, b) => a.id - b.id);
}
