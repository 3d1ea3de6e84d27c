import type { RequestHeaders } from '../request-headers.js';
import { GatewayError } from '../../errors/index.js';
import type { JwtHeaderSource } from './jwt-config.js';

function cookieValue(cookieHeader: string, name: string): string | undefined {
  for (const part of cookieHeader.split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/**
 * The raw token from the configured header, or null when that header is absent (then the caller
 * falls back to the unauthorized role, or reports the missing header). Hasura
 * (`processAuthZOrCookieHeader`): `Authorization` must be exactly two words, `Bearer <jwt>`,
 * else "Malformed Authorization header"; a `Cookie` header without the named cookie is an error
 * too. We also accept the scheme in any case (`bearer`), as RFC 6750 allows. A custom header may
 * hold the bare token or `Bearer <token>`.
 */
export function extractJwt(headers: RequestHeaders, source: JwtHeaderSource): string | null {
  switch (source.kind) {
    case 'authorization': {
      const value = headers.get('authorization');
      if (value === null) return null;
      const words = value.trim().split(/\s+/);
      if (words.length !== 2 || words[0]!.toLowerCase() !== 'bearer') {
        throw new GatewayError('invalid-headers', 'Malformed Authorization header', { status: 400 });
      }
      return words[1]!;
    }
    case 'cookie': {
      const value = headers.get('cookie');
      if (value === null) return null;
      const token = cookieValue(value, source.name);
      if (token === undefined || token === '') {
        throw new GatewayError('invalid-headers', `Could not find ${source.name} in Cookie header`, { status: 400 });
      }
      return token;
    }
    case 'custom-header': {
      const value = headers.get(source.name);
      if (value === null) return null;
      const words = value.trim().split(/\s+/);
      const token = words.length === 2 && words[0]!.toLowerCase() === 'bearer' ? words[1]! : words.length === 1 ? words[0]! : '';
      if (token === '') throw new GatewayError('invalid-headers', `Malformed ${source.name} header`, { status: 400 });
      return token;
    }
  }
}

/** Hasura's error when JWT mode gets no token and no unauthorized role is configured. */
export function missingJwtError(source: JwtHeaderSource): GatewayError {
  const name = source.kind === 'authorization' ? 'Authorization' : source.kind === 'cookie' ? 'Cookie' : source.name;
  return new GatewayError('invalid-headers', `Missing '${name}' header in JWT authentication mode`, { status: 400 });
}
