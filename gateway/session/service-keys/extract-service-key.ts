import type { RequestHeaders } from '../request-headers.js';
/**
 * The service key a request presents, or null when it presents none: the
 * `x-sluice-service-key` header, else `Authorization: Bearer sk_…`. A bearer token without the
 * `sk_` prefix is somebody else's (a JWT) and is left alone.
 */
export function extractServiceKey(headers: RequestHeaders): string | null {
  const header = headers.get('x-sluice-service-key');
  if (header !== null) return header.trim();
  const authorization = headers.get('authorization');
  if (authorization === null) return null;
  const words = authorization.trim().split(/\s+/);
  if (words.length === 2 && words[0]!.toLowerCase() === 'bearer' && words[1]!.startsWith('sk_')) return words[1]!;
  return null;
}
