/**
 * The load generator's minimal HTTP client against a real node:http server on port 0: both
 * framings (content-length and chunked), responses split across TCP segments, errors detected
 * on the bytes, and connections reused.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bodyHasErrors, createKeepAliveClient } from '../../bench/keep-alive-client.js';

let server: Server;
let url: string;
const connections = new Set<unknown>();

beforeAll(async () => {
  server = createServer((req, res) => {
    connections.add(req.socket);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      if (req.url === '/chunked') {
        // No content-length: Node sends chunked encoding, one chunk per write.
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"data":');
        setTimeout(() => res.end(`${body}}`), 5);
      } else if (req.url === '/error') {
        const answer = '{"errors" : [{"message":"x"}]}';
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': answer.length });
        res.end(answer);
      } else {
        const answer = `{"data":${body}}`;
        res.writeHead(201, { 'content-length': Buffer.byteLength(answer) });
        // Two writes with a pause: the client must wait for the whole body.
        res.write(answer.slice(0, 5));
        setTimeout(() => res.end(answer.slice(5)), 5);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('createKeepAliveClient', () => {
  it('reads content-length answers that arrive in pieces, on one reused connection', async () => {
    const client = createKeepAliveClient(`${url}/plain`, 5_000);
    const big = JSON.stringify({ rows: 'é'.repeat(100_000) });
    connections.clear();
    for (const body of ['{"a":1}', big, '{"b":2}']) {
      const answer = await client.post(client.encode(body));
      expect(answer.status).toBe(201);
      expect(answer.body.toString()).toBe(`{"data":${body}}`);
    }
    expect(connections.size).toBe(1);
    client.close();
  });

  it('reads chunked answers', async () => {
    const client = createKeepAliveClient(`${url}/chunked`, 5_000);
    const answers = await Promise.all(['[1]', '[2]', '[3]'].map((body) => client.post(client.encode(body))));
    expect(answers.map((a) => a.body.toString())).toEqual(['{"data":[1]}', '{"data":[2]}', '{"data":[3]}']);
    client.close();
  });

  it('finds an errors key on the bytes, not an errors string value', async () => {
    const client = createKeepAliveClient(`${url}/error`, 5_000);
    expect(bodyHasErrors((await client.post(client.encode('{}'))).body)).toBe(true);
    client.close();
    expect(bodyHasErrors(Buffer.from('{"data":{"name":"errors"}}'))).toBe(false);
    expect(bodyHasErrors(Buffer.from('{"data":null,"errors":[]}'))).toBe(true);
  });

  it('rejects when the server closes the connection without an answer', async () => {
    const closing = createServer((req) => req.socket.destroy());
    await new Promise<void>((resolve) => closing.listen(0, '127.0.0.1', resolve));
    const client = createKeepAliveClient(`http://127.0.0.1:${(closing.address() as AddressInfo).port}/`, 5_000);
    await expect(client.post(client.encode('{}'))).rejects.toThrow(/closed/);
    client.close();
    await new Promise((resolve) => closing.close(resolve));
  });
});
