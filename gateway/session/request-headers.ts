import type { IncomingHttpHeaders } from 'node:http';

/**
 * The part of a request's headers that session resolution reads. A WHATWG `Headers` is one; the
 * fast path passes Node's header object through `nodeRequestHeaders` without copying it.
 */
export type RequestHeaders = Pick<Headers, 'get' | 'has' | 'forEach'>;

/** Node's parsed headers (names already lower-case) seen as `RequestHeaders`. */
export function nodeRequestHeaders(headers: IncomingHttpHeaders): RequestHeaders {
  const value = (name: string): string | null => {
    const found = headers[name.toLowerCase()];
    if (found === undefined) return null;
    return Array.isArray(found) ? found.join(', ') : found;
  };
  return {
    get: value,
    has: (name) => headers[name.toLowerCase()] !== undefined,
    forEach(callback, thisArg) {
      for (const name of Object.keys(headers)) {
        const found = value(name);
        if (found !== null) callback.call(thisArg, found, name, this as unknown as Headers);
      }
    },
  };
}
