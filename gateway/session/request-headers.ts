import type { IncomingHttpHeaders } from 'node:http';

/**
 * The part of a request's headers that session resolution reads. A WHATWG `Headers` is one; the
 * fast path passes Node's header object through `nodeRequestHeaders` without copying it.
 */
export type RequestHeaders = Pick<Headers, 'get' | 'has' | 'forEach'>;

/**
 * Node's parsed headers (names already lower-case) seen as `RequestHeaders`. A class rather
 * than closures: this runs once per request on the hot path, and methods cost nothing to create.
 */
class NodeRequestHeaders implements RequestHeaders {
  constructor(private readonly headers: IncomingHttpHeaders) {}

  get(name: string): string | null {
    const found = this.headers[name.toLowerCase()];
    if (found === undefined) return null;
    return Array.isArray(found) ? found.join(', ') : found;
  }

  has(name: string): boolean {
    return this.headers[name.toLowerCase()] !== undefined;
  }

  forEach(callback: (value: string, key: string, parent: Headers) => void, thisArg?: unknown): void {
    for (const name of Object.keys(this.headers)) {
      const found = this.get(name);
      if (found !== null) callback.call(thisArg, found, name, this as unknown as Headers);
    }
  }
}

export function nodeRequestHeaders(headers: IncomingHttpHeaders): RequestHeaders {
  return new NodeRequestHeaders(headers);
}
