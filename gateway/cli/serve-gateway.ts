/**
 * Serving, shared by `sluice start` and `sluice serve`: the pool, the gateway and the HTTP server,
 * and their orderly shutdown.
 */
import { createServer, type Server } from 'node:http';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { Config } from '../config/config.js';
import { createPool } from '../database/create-pool.js';
import { endPool } from '../database/end-pool.js';
import { createGateway, type Gateway } from '../http/index.js';
import { redactUrl } from '../logging/redact-url.js';

export interface RunningGateway {
  /** Base URL the server listens on (`http://localhost:<port>`). */
  readonly url: string;
  /** Stops accepting, drains in-flight requests (bounded), closes the gateway and the pool. */
  close(): Promise<void>;
}

/** How long shutdown waits for in-flight requests before cutting their connections. */
const drainTimeoutMs = 10_000;
const drainPollMs = 100;

function listen(server: Server, port: number, backlog: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, undefined, backlog, () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

/**
 * Resolves once no connection is left. Keep-alive connections that finish their request become
 * idle after `server.close()` was called, so idle ones are closed repeatedly, not just once.
 */
async function drain(server: Server, logger: Logger): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  const deadline = Date.now() + drainTimeoutMs;
  let done = false;
  void closed.then(() => (done = true));
  while (!done && Date.now() < deadline) {
    server.closeIdleConnections();
    await new Promise((resolve) => setTimeout(resolve, drainPollMs));
  }
  if (!done) {
    logger.warn({ timeoutMs: drainTimeoutMs }, 'in-flight requests did not finish in time; closing their connections');
    server.closeAllConnections();
    await closed;
  }
}

export async function serveGateway(config: Config & { databaseUrl: string }, logger: Logger): Promise<RunningGateway> {
  const pool: pg.Pool = createPool(config, logger);
  let gateway: Gateway | undefined;
  let server: Server | undefined;
  try {
    gateway = createGateway({ config, pool, logger });
    await gateway.ready;
    server = createServer(gateway.handle);
    const port = await listen(server, config.port, config.listenBacklog);
    const url = `http://localhost:${port}`;
    logger.info({ url, graphql: `${url}/v1/graphql`, database: redactUrl(config.databaseUrl) }, `Sluice is listening on ${url}`);
    if (config.adminSecret === undefined) {
      logger.warn(
        'SLUICE_ADMIN_SECRET is not set: DEV MODE, every request is treated as admin. Set it before exposing this server to anyone.',
      );
    }
    const running = { server, gateway };
    return {
      url,
      async close() {
        await drain(running.server, logger);
        await running.gateway.close();
        await endPool(pool);
      },
    };
  } catch (error) {
    server?.close();
    await gateway?.close().catch(() => undefined);
    await pool.end().catch(() => undefined);
    throw error;
  }
}
