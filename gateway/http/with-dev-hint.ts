import { GatewayError } from '../errors/index.js';
import type { Session } from '../session/index.js';

/**
 * Dev mode only: a write rejected by a permission check names the role and the rule, so the
 * developer knows which permission to look at. Other errors pass unchanged.
 */
export function withDevHint(error: GatewayError, session: Session): GatewayError {
  if (error.code !== 'permission-error' || session.isAdmin || error.hint) return error;
  return new GatewayError(error.code, error.message, {
    path: error.path,
    status: error.status,
    hint: `role "${session.role}": a row it wrote does not satisfy the check of its insert or update permission, so the whole request was rolled back`,
  });
}
