import type { IncomingMessage } from 'node:http';

export type JsonBody = { readonly kind: 'json'; readonly value: unknown } | { readonly kind: 'refused'; readonly status: 400 | 413; readonly error: string };

/**
 * Reads a request body of at most `maxBytes` and parses it as JSON. A larger body is drained
 * rather than cut off, so the caller still gets its 413 answer on the same connection.
 */
export function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<JsonBody> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
    });
    req.on('error', reject);
    req.on('end', () => {
      if (size > maxBytes) return resolve({ kind: 'refused', status: 413, error: `the event is larger than ${maxBytes} bytes` });
      try {
        resolve({ kind: 'json', value: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      } catch {
        resolve({ kind: 'refused', status: 400, error: 'the body is not JSON' });
      }
    });
  });
}
