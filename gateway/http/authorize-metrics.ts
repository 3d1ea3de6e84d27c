import { createHash, timingSafeEqual } from 'node:crypto';
import { GatewayError } from '../errors/index.js';

export interface MetricsSecrets {
  /** `SLUICE_ADMIN_SECRET`: sent as `x-hasura-admin-secret`. */
  readonly adminSecret: string | undefined;
  /** `SLUICE_METRICS_SECRET`: sent as `Authorization: Bearer …` (what a Prometheus scrape config holds). */
  readonly metricsSecret: string | undefined;
}

/** Constant time, as the session's admin secret check: hashing first makes the lengths equal too. */
function secretsEqual(given: string, expected: string): boolean {
  return timingSafeEqual(createHash('sha256').update(given).digest(), createHash('sha256').update(expected).digest());
}

/**
 * Who may read `/metrics`: anyone when no secret is configured (dev mode); otherwise a request
 * with the admin secret, or with the metrics secret as a bearer token. Role names and operation
 * names are in the metrics, so they are not public once the gateway is.
 */
export function authorizeMetrics(headers: Headers, secrets: MetricsSecrets): GatewayError | undefined {
  if (secrets.adminSecret === undefined && secrets.metricsSecret === undefined) return undefined;
  const admin = headers.get('x-hasura-admin-secret');
  if (admin !== null && secrets.adminSecret !== undefined && secretsEqual(admin, secrets.adminSecret)) return undefined;
  const bearer = /^Bearer\s+(.+)$/i.exec(headers.get('authorization') ?? '')?.[1];
  if (bearer !== undefined && secrets.metricsSecret !== undefined && secretsEqual(bearer, secrets.metricsSecret)) return undefined;
  return new GatewayError('access-denied', '/metrics needs "x-hasura-admin-secret" or "Authorization: Bearer <SLUICE_METRICS_SECRET>"', { status: 401 });
}
