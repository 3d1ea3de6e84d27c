import { createServer } from 'node:net';

/**
 * A TCP port that was free a moment ago on 127.0.0.1. Another process may take it before the
 * caller binds it; for a local embedded Postgres that small race is acceptable.
 */
export async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
