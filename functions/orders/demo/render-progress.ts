/**
 * The demo's progress display: one line per order with its path through the state machine, so
 * the workflow can be watched as it happens. Plain text; colour only when the terminal has it.
 */
import type { OrderStatus } from '../order-types.js';
import type { PlacedOrder } from './place-orders.js';
import type { OrderProgress } from './watch-orders.js';

/** The happy path, in order. */
export const orderSteps: readonly OrderStatus[] = ['placed', 'validated', 'paid', 'approved', 'driver_assigned', 'delivered'];

const colours = { green: '\x1b[32m', red: '\x1b[31m', dim: '\x1b[2m', reset: '\x1b[0m' } as const;

function dollars(cents: number | null): string {
  return cents === null ? '' : `$${(cents / 100).toFixed(2)}`;
}

/** `■■■□□□` up to the order's step; a failed order shows where it stopped with `✗`. */
function track(status: OrderStatus): string {
  const reached = orderSteps.indexOf(status);
  if (reached >= 0) return orderSteps.map((_, i) => (i <= reached ? '■' : '□')).join('');
  return '✗'.padEnd(orderSteps.length, ' ');
}

export function renderOrderLine(order: PlacedOrder, progress: OrderProgress | undefined, colour: boolean): string {
  const status = progress?.status ?? 'placed';
  const paint = (text: string, c: keyof typeof colours) => (colour ? `${colours[c]}${text}${colours.reset}` : text);
  const reason = progress?.status_reason ? ` (${progress.status_reason})` : '';
  const label = status === 'delivered' ? paint(status, 'green') : orderSteps.includes(status) ? status : paint(`${status}${reason}`, 'red');
  return `  #${String(order.id).padEnd(5)} ${order.restaurant.padEnd(16)} ${dollars(progress?.total_cents ?? null).padStart(8)}  ${track(status)}  ${label}`;
}

export interface ProgressDisplay {
  update(progress: readonly OrderProgress[]): void;
}

/**
 * On a terminal, the block of lines is redrawn in place (cursor up, rewrite); elsewhere (a pipe,
 * a CI log) a line is printed only when an order's status changes.
 */
export function createProgressDisplay(orders: readonly PlacedOrder[], out: NodeJS.WriteStream): ProgressDisplay {
  const live = out.isTTY === true;
  const last = new Map<number, OrderStatus>();
  let drawn = false;
  return {
    update(progress) {
      const byId = new Map(progress.map((p) => [p.id, p]));
      if (live) {
        if (drawn) out.write(`\x1b[${orders.length}A`);
        for (const order of orders) out.write(`\x1b[2K${renderOrderLine(order, byId.get(order.id), true)}\n`);
        drawn = true;
        return;
      }
      for (const order of orders) {
        const now = byId.get(order.id);
        if (now === undefined || last.get(order.id) === now.status) continue;
        last.set(order.id, now.status);
        out.write(`${renderOrderLine(order, now, false)}\n`);
      }
    },
  };
}
