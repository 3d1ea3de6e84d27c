import type { RequestHeaders } from './request-headers.js';
import { createHash, timingSafeEqual } from 'node:crypto';
import { GatewayError } from '../errors/index.js';
import { readBackendOnlyHeader } from './read-backend-only-header.js';

export interface Session {
  readonly role: string;
  /** Every `x-hasura-*` value of the request, names lower-cased, secrets excluded. */
  readonly variables: Readonly<Record<string, string>>;
  readonly isAdmin: boolean;
  /** Trusted caller asking for `backend_only` permissions (Hasura §8). */
  readonly backendOnly: boolean;
}

export interface SessionOptions {
  readonly adminSecret: string | undefined;
  /** Role of requests that bring no credentials; undefined refuses them. */
  readonly unauthorizedRole?: string | undefined;
}

/** Compares secrets in constant time; hashing first makes the lengths equal too. */
function secretsEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

function sessionVariables(headers: RequestHeaders): Record<string, string> {
  const variables: Record<string, string> = {};
  headers.forEach((value, name) => {
    const lower = name.toLowerCase();
    if (lower.startsWith('x-hasura-') && lower !== 'x-hasura-admin-secret' && lower !== 'x-hasura-access-key') {
      variables[lower] = value;
    }
  });
  return variables;
}

/**
 * Who is asking (Hasura §9). With no admin secret configured every request is admin (dev mode).
 * With one, the right secret makes the request trusted: the role is `x-hasura-role` (default
 * `admin`) and every `x-hasura-*` header is a session variable — how a function acts as its
 * service role. JWT and the unauthorized role arrive with the permissions issue.
 */
export function resolveSession(headers: RequestHeaders, options: SessionOptions): Session {
  const variables = sessionVariables(headers);
  if (options.adminSecret !== undefined) {
    const given = headers.get('x-hasura-admin-secret') ?? headers.get('x-hasura-access-key');
    if (given === null) {
      if (options.unauthorizedRole !== undefined) {
        // An anonymous caller gets the unauthorized role and no session variables of its own choosing.
        const role = options.unauthorizedRole;
        return { role, variables: { 'x-hasura-role': role }, isAdmin: false, backendOnly: false };
      }
      throw new GatewayError('access-denied', '"x-hasura-admin-secret"/"x-hasura-access-key" required, but not found', { status: 401 });
    }
    if (!secretsEqual(given, options.adminSecret)) {
      throw new GatewayError('access-denied', 'invalid "x-hasura-admin-secret"/"x-hasura-access-key"', { status: 401 });
    }
  }
  const role = variables['x-hasura-role'] ?? 'admin';
  // `backend_only` permissions need the admin secret itself, not just the header (Hasura §8). The
  // header is read (and a value that is not a boolean refused, as Hasura does) on every trusted request.
  const asksBackendOnly = readBackendOnlyHeader(variables['x-hasura-use-backend-only-permissions']);
  const backendOnly = options.adminSecret !== undefined && asksBackendOnly;
  return { role, variables: { ...variables, 'x-hasura-role': role }, isAdmin: role === 'admin', backendOnly };
}
