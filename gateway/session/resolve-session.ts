import { createHash, timingSafeEqual } from 'node:crypto';
import { GatewayError } from '../errors/index.js';

export interface Session {
  readonly role: string;
  /** Every `x-hasura-*` value of the request, names lower-cased, secrets excluded. */
  readonly variables: Readonly<Record<string, string>>;
  readonly isAdmin: boolean;
}

export interface SessionOptions {
  readonly adminSecret: string | undefined;
}

/** Compares secrets in constant time; hashing first makes the lengths equal too. */
function secretsEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

function sessionVariables(headers: Headers): Record<string, string> {
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
export function resolveSession(headers: Headers, options: SessionOptions): Session {
  const variables = sessionVariables(headers);
  if (options.adminSecret !== undefined) {
    const given = headers.get('x-hasura-admin-secret') ?? headers.get('x-hasura-access-key');
    if (given === null) {
      throw new GatewayError('access-denied', '"x-hasura-admin-secret"/"x-hasura-access-key" required, but not found', { status: 401 });
    }
    if (!secretsEqual(given, options.adminSecret)) {
      throw new GatewayError('access-denied', 'invalid "x-hasura-admin-secret"/"x-hasura-access-key"', { status: 401 });
    }
  }
  const role = variables['x-hasura-role'] ?? 'admin';
  return { role, variables: { ...variables, 'x-hasura-role': role }, isAdmin: role === 'admin' };
}
