/**
 * A TCP proxy between a client and Postgres that reads the frontend half of the wire protocol and
 * records every statement the client asks Postgres to run: each simple `Query` ('Q') message and
 * each extended-protocol `Execute` ('E') message (with the SQL text of the statement its portal
 * was bound to). It forwards every byte unchanged, so the gateway and `pg` run exactly as in
 * production; the proxy only watches. A real server on port 0, like the other out-of-process fakes.
 */
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';

export interface ExecutedStatement {
  /** 'query' for a simple-protocol Query message, 'execute' for an extended-protocol Execute. */
  readonly kind: 'query' | 'execute';
  readonly text: string;
  /**
   * Chunks the server had sent on this connection when the statement arrived: two statements
   * with the same count were written before any answer came back (pipelined).
   */
  readonly answersBefore: number;
}

export interface StatementCountingProxy {
  /** `url` with its host and port replaced by the proxy's. */
  route(url: string): string;
  /** Statements seen since the last `reset`, in arrival order (across all connections). */
  readonly statements: ExecutedStatement[];
  reset(): void;
  close(): Promise<void>;
}

const sslRequestCode = 80877103;
const gssEncRequestCode = 80877104;

/** Reads one NUL-terminated string at `offset`; returns it and the offset after the NUL. */
function cString(buffer: Buffer, offset: number): [string, number] {
  const end = buffer.indexOf(0, offset);
  return [buffer.toString('utf8', offset, end), end + 1];
}

/** Parses the client→server stream of one connection and reports each executed statement. */
function watchFrontend(onStatement: (statement: Omit<ExecutedStatement, 'answersBefore'>) => void): (chunk: Buffer) => void {
  let pending = Buffer.alloc(0);
  // The startup packet (and an SSL/GSS request before it) has no type byte.
  let untyped = true;
  const prepared = new Map<string, string>();
  const portals = new Map<string, string>();
  return (chunk) => {
    pending = Buffer.concat([pending, chunk]);
    for (;;) {
      if (untyped) {
        if (pending.length < 8) return;
        const length = pending.readInt32BE(0);
        if (pending.length < length) return;
        const code = pending.readInt32BE(4);
        untyped = code === sslRequestCode || code === gssEncRequestCode;
        pending = pending.subarray(length);
        continue;
      }
      if (pending.length < 5) return;
      const type = String.fromCharCode(pending[0]!);
      const length = pending.readInt32BE(1);
      if (pending.length < 1 + length) return;
      const body = pending.subarray(5, 1 + length);
      pending = pending.subarray(1 + length);
      if (type === 'Q') {
        onStatement({ kind: 'query', text: cString(body, 0)[0] });
      } else if (type === 'P') {
        const [name, next] = cString(body, 0);
        prepared.set(name, cString(body, next)[0]);
      } else if (type === 'B') {
        const [portal, next] = cString(body, 0);
        portals.set(portal, prepared.get(cString(body, next)[0]) ?? '<unknown statement>');
      } else if (type === 'E') {
        onStatement({ kind: 'execute', text: portals.get(cString(body, 0)[0]) ?? '<unknown portal>' });
      }
    }
  };
}

export async function startStatementCountingProxy(target: { host: string; port: number }): Promise<StatementCountingProxy> {
  const statements: ExecutedStatement[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    sockets.add(client).add(upstream);
    let answers = 0;
    const watch = watchFrontend((statement) => statements.push({ ...statement, answersBefore: answers }));
    client.on('data', (chunk: Buffer) => {
      watch(chunk);
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      answers++;
      client.write(chunk);
    });
    const closeBoth = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', closeBoth).on('error', closeBoth);
    upstream.on('close', closeBoth).on('error', closeBoth);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    route(url) {
      const parsed = new URL(url);
      parsed.hostname = '127.0.0.1';
      parsed.port = String(port);
      return parsed.toString();
    },
    statements,
    reset() {
      statements.length = 0;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
