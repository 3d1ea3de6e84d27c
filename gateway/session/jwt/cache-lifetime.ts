/**
 * How long a JWK set response may be reused, in milliseconds, from its headers — or undefined
 * when they say nothing. As Hasura does (`updateJwkRef`), `Cache-Control` wins over `Expires`;
 * `s-maxage` wins over `max-age` since the gateway is a cache shared by all its clients;
 * `no-cache`/`no-store` mean "fetch again next time". An unparseable `Expires` counts as already
 * expired (RFC 9111 §5.3).
 */
export function cacheLifetime(headers: Headers, nowMs: number): number | undefined {
  const cacheControl = headers.get('cache-control');
  if (cacheControl !== null) {
    let maxAge: number | undefined;
    let sharedMaxAge: number | undefined;
    for (const directive of cacheControl.split(',')) {
      const [rawName = '', rawValue] = directive.split('=', 2);
      const name = rawName.trim().toLowerCase();
      if (name === 'no-cache' || name === 'no-store') return 0;
      const seconds = rawValue === undefined ? NaN : Number(rawValue.trim().replace(/^"(.*)"$/, '$1'));
      if (!Number.isFinite(seconds) || seconds < 0) continue;
      if (name === 'max-age') maxAge = seconds;
      if (name === 's-maxage') sharedMaxAge = seconds;
    }
    const chosen = sharedMaxAge ?? maxAge;
    if (chosen !== undefined) return chosen * 1000;
  }
  const expires = headers.get('expires');
  if (expires !== null) {
    const at = Date.parse(expires);
    return Number.isNaN(at) ? 0 : Math.max(0, at - nowMs);
  }
  return undefined;
}
