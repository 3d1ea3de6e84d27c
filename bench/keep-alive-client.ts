/**
 * A minimal HTTP/1.1 client for the load generator: keep-alive connections over `node:net`,
 * each carrying one request at a time, with the request bytes built by the caller once. It
 * reads only the status line and the framing headers (`content-length` or chunked encoding).
 *
 * Why not `node:http`: the load generator shares the machine's cores with the servers it
 * measures, and Node's HTTP client spends about as much CPU per request as a fast server does
 * (header objects, stream machinery, agent bookkeeping). Every CPU-second it burns is taken
 * from the server under test, most from the fastest one, and the raw-SQL floor has no HTTP
 * client at all. This is the `wrk` approach: the client should cost as little as possible.
 */
import { connect, type Socket } from 'node:net';

export interface HttpAnswer {
  readonly status: number;
  readonly body: Buffer;
}

const headerEnd = Buffer.from('\r\n\r\n');
const crlf = Buffer.from('\r\n');

/**
 * One parsed response; or while more bytes are needed, how many in all when the head says so
 * (`content-length`), else null.
 */
function parseResponse(data: Buffer): { answer: HttpAnswer; used: number } | { need: number } | null {
  const end = data.indexOf(headerEnd);
  if (end < 0) return null;
  const head = data.toString('latin1', 0, end);
  const status = Number(head.slice(9, 12));
  const bodyStart = end + 4;
  const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
  if (length) {
    const size = Number(length[1]);
    if (data.length < bodyStart + size) return { need: bodyStart + size };
    return { answer: { status, body: data.subarray(bodyStart, bodyStart + size) }, used: bodyStart + size };
  }
  if (!/\r\ntransfer-encoding:\s*chunked/i.test(head)) throw new Error(`response without content-length or chunked encoding: ${head.slice(0, 200)}`);
  const chunks: Buffer[] = [];
  let at = bodyStart;
  for (;;) {
    const lineEnd = data.indexOf(crlf, at);
    if (lineEnd < 0) return null;
    const size = parseInt(data.toString('latin1', at, lineEnd), 16);
    if (Number.isNaN(size)) throw new Error('malformed chunk size');
    const next = lineEnd + 2 + size + 2;
    if (data.length < next) return null;
    if (size === 0) return { answer: { status, body: Buffer.concat(chunks) }, used: next };
    chunks.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = next;
  }
}

class Connection {
  private readonly socket: Socket;
  private received: Buffer[] = [];
  private receivedBytes = 0;
  /**
   * Bytes the answer needs in all, once its head is read: until they are in, chunks are only
   * collected. Joining and parsing on every chunk instead copies a large answer once per chunk,
   * which under load made the client itself the bottleneck and starved some connections
   * (a p99 of 3.7 s against 0.7 s with Node's client, for 145 kB answers at concurrency 128).
   */
  private needed = 0;
  private pending: { resolve(answer: HttpAnswer): void; reject(error: Error): void; timer: NodeJS.Timeout } | null = null;
  broken = false;

  constructor(host: string, port: number) {
    this.socket = connect({ host, port, noDelay: true });
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
    this.socket.on('error', (error) => this.fail(error));
    this.socket.on('close', () => this.fail(new Error('connection closed by the server')));
  }

  request(bytes: Buffer, timeoutMs: number): Promise<HttpAnswer> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.fail(new Error(`no answer within ${timeoutMs} ms`));
        this.socket.destroy();
      }, timeoutMs);
      this.pending = { resolve, reject, timer };
      this.socket.write(bytes);
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.received.push(chunk);
    this.receivedBytes += chunk.length;
    if (!this.pending || this.receivedBytes < this.needed) return;
    const data = this.received.length === 1 ? this.received[0]! : Buffer.concat(this.received, this.receivedBytes);
    let parsed: ReturnType<typeof parseResponse>;
    try {
      parsed = parseResponse(data);
    } catch (error) {
      this.fail(error as Error);
      this.socket.destroy();
      return;
    }
    if (!parsed || 'need' in parsed) {
      this.received = [data];
      this.needed = parsed ? parsed.need : 0;
      return;
    }
    this.needed = 0;
    const rest = data.subarray(parsed.used);
    this.received = rest.length > 0 ? [rest] : [];
    this.receivedBytes = rest.length;
    const { resolve, timer } = this.pending;
    this.pending = null;
    clearTimeout(timer);
    resolve(parsed.answer);
  }

  private fail(error: Error): void {
    this.broken = true;
    if (!this.pending) return;
    const { reject, timer } = this.pending;
    this.pending = null;
    clearTimeout(timer);
    reject(error);
  }
}

/** POSTs pre-built bodies to one URL over up to as many keep-alive connections as are in use at once. */
export function createKeepAliveClient(target: string, timeoutMs: number) {
  const url = new URL(target);
  const host = url.hostname;
  const port = Number(url.port || 80);
  const idle: Connection[] = [];
  const all = new Set<Connection>();
  const head = (length: number) => `POST ${url.pathname}${url.search} HTTP/1.1\r\nhost: ${url.host}\r\ncontent-type: application/json\r\ncontent-length: ${length}\r\n\r\n`;
  return {
    /** The request bytes for a body: build once, send many times. */
    encode(body: string): Buffer {
      const payload = Buffer.from(body);
      return Buffer.concat([Buffer.from(head(payload.length), 'latin1'), payload]);
    },
    async post(bytes: Buffer): Promise<HttpAnswer> {
      const connection = idle.pop() ?? new Connection(host, port);
      all.add(connection);
      try {
        return await connection.request(bytes, timeoutMs);
      } finally {
        if (connection.broken) {
          connection.close();
          all.delete(connection);
        } else idle.push(connection);
      }
    },
    close(): void {
      for (const connection of all) connection.close();
      all.clear();
      idle.length = 0;
    },
  };
}

const errorsKey = Buffer.from('"errors"');

/**
 * Whether a GraphQL response body carries errors, on the bytes: the key `"errors"` followed by
 * optional blanks and `:` (as a string value it would be followed by `,`, `}` or `]`).
 */
export function bodyHasErrors(body: Buffer): boolean {
  for (let at = body.indexOf(errorsKey); at >= 0; at = body.indexOf(errorsKey, at + 1)) {
    let i = at + errorsKey.length;
    while (i < body.length && (body[i] === 0x20 || body[i] === 0x0a || body[i] === 0x0d || body[i] === 0x09)) i++;
    if (body[i] === 0x3a) return true;
  }
  return false;
}
