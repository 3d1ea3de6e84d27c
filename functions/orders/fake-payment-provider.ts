/**
 * A stand-in for a card payment provider (Stripe-like): a charge is identified by the caller's
 * idempotency key, so charging again with the same key returns the same charge instead of taking
 * the money twice. It keeps no state: the charge id is derived from the key, and the answer from
 * the amount alone. Orders above `declineAboveCents` are declined, to show the `failed` branch.
 */
import { createHash } from 'node:crypto';

export const declineAboveCents = 50_000;

export interface Charge {
  /** The provider's reference for the charge; the same for the same idempotency key. */
  readonly id: string;
  readonly status: 'succeeded' | 'declined';
  readonly amountCents: number;
}

export function chargeCard(request: { readonly amountCents: number; readonly idempotencyKey: string }): Charge {
  const id = `ch_${createHash('sha256').update(request.idempotencyKey).digest('hex').slice(0, 24)}`;
  const status = request.amountCents > declineAboveCents ? 'declined' : 'succeeded';
  return { id, status, amountCents: request.amountCents };
}
