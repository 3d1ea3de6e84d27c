import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Runs a Node request whose body was already read through a WHATWG fetch handler (yoga's), and
 * writes the answer back to the Node response. The fast path uses it to hand over a request it
 * does not take, without reading the body twice.
 */
export async function forwardBuffered(
  handler: (request: Request) => Promise<Response> | Response,
  req: IncomingMessage,
  res: ServerResponse,
  body: Buffer,
): Promise<void> {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || name === 'content-length' || name === 'transfer-encoding') continue;
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else headers.set(name, value);
  }
  const request = new Request(`http://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`, { method: req.method ?? 'POST', headers, body: new Uint8Array(body) });
  const response = await handler(request);
  const payload = Buffer.from(await response.arrayBuffer());
  const out: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    if (name !== 'content-length') out[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) out['set-cookie'] = cookies;
  out['content-length'] = String(payload.length);
  res.writeHead(response.status, out);
  res.end(payload);
}
