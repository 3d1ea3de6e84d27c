import type { IncomingMessage, ServerResponse } from 'node:http';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { Config } from '../config/config.js';

export interface GatewayOptions {
  readonly config: Config;
  /** The one pool every request runs on; the gateway never creates another. */
  readonly pool: pg.Pool;
  readonly logger: Logger;
}

export interface Gateway {
  /** A Node `http.createServer` request listener. */
  readonly handle: (req: IncomingMessage, res: ServerResponse) => void;
  /** The same server as a WHATWG fetch handler (tests call it without a port). */
  readonly fetch: (request: Request) => Promise<Response>;
  /** Resolves once metadata is loaded and the schemas are built. */
  readonly ready: Promise<void>;
  /** Stops background work (listeners, timers); the caller closes the HTTP server and the pool. */
  close(): Promise<void>;
}

/** Builds the gateway (stub: being written). */
export function createGateway(_options: GatewayOptions): Gateway {
  throw new Error('createGateway: not implemented yet');
}
