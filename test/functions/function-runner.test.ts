/** The local function runner: real HTTP on port 0, function modules from a temp dir. */
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFunctionRunner, type FunctionRunner } from '../../functions/runner/index.js';
import { eventFor, writeFunctionDir, type FunctionDir } from './function-fixtures.js';

const silent = pino({ level: 'silent' });

async function call(runner: FunctionRunner, name: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${runner.url}/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
}

describe('the function runner', () => {
  let functions: FunctionDir;
  let runner: FunctionRunner;

  beforeAll(async () => {
    functions = await writeFunctionDir({
      counter: { module: 'counter.mjs' },
      fails: { module: 'fails.mjs' },
      slow: { module: 'slow.mjs' },
      'no-default': { module: 'no-default.mjs' },
      bigint: { module: 'bigint.mjs' },
    });
    runner = await startFunctionRunner({ dir: functions.dir, port: 0, warm: { maxInvocations: 3 }, timeoutMs: 200, maxBodyBytes: 4096, logger: silent });
  });
  afterAll(async () => {
    await runner?.stop();
    await functions?.remove();
  });

  it('calls the module named in the manifest with the event and answers its result', async () => {
    const event = eventFor({ order_id: 7, status: 'placed' }, { trigger: 'order_placed' });
    const response = await call(runner, 'counter', event, { 'idempotency-key': event.id });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.body).toMatchObject({ idempotencyKey: event.id, trigger: 'order_placed', row: { order_id: 7, status: 'placed' } });
  });

  it('passes the Idempotency-Key header, or the event id when the header is missing', async () => {
    const event = eventFor({ order_id: 8 }, { id: 'event-id-from-body' });
    expect((await call(runner, 'counter', event, { 'Idempotency-Key': 'key-from-header' })).body.idempotencyKey).toBe('key-from-header');
    expect((await call(runner, 'counter', event)).body.idempotencyKey).toBe('event-id-from-body');
  });

  it('answers 500 with the message of a thrown error', async () => {
    const response = await call(runner, 'fails', eventFor({ order_id: 1 }));
    expect(response).toMatchObject({ status: 500, body: { error: 'the restaurant is closed' } });
  });

  it('answers 504 when the function outlives its timeout', async () => {
    const started = Date.now();
    const response = await call(runner, 'slow', eventFor({ order_id: 1 }));
    expect(response).toMatchObject({ status: 504, body: { error: 'function slow timed out after 200 ms' } });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('answers 500 for a module without a default export function', async () => {
    const response = await call(runner, 'no-default', eventFor({}));
    expect(response.status).toBe(500);
    expect(response.body.error).toMatch(/has no default export function/);
  });

  it('answers 500 when the result is not JSON', async () => {
    const response = await call(runner, 'bigint', eventFor({}));
    expect(response.status).toBe(500);
    expect(response.body.error).toMatch(/result is not JSON/);
  });

  it('refuses unknown functions, other methods, bodies that are not JSON and bodies that are too large', async () => {
    expect((await call(runner, 'nope', {})).status).toBe(404);
    expect((await call(runner, 'counter', '{not json')).status).toBe(400);
    const large = await call(runner, 'counter', eventFor({ note: 'x'.repeat(5000) }));
    expect(large).toMatchObject({ status: 413, body: { error: 'the event is larger than 4096 bytes' } });
    const get = await fetch(`${runner.url}/counter`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
  });
});

describe('cold starts', () => {
  let functions: FunctionDir;
  beforeAll(async () => {
    functions = await writeFunctionDir({ counter: 'counter.mjs' });
  });
  afterAll(async () => functions?.remove());

  it('starts a fresh module instance after M invocations: module-level state resets', async () => {
    const runner = await startFunctionRunner({ dir: functions.dir, warm: { maxInvocations: 2 }, logger: silent });
    try {
      const seen = [];
      for (let i = 0; i < 5; i += 1) {
        const response = await call(runner, 'counter', eventFor({ i }));
        seen.push([response.body.invocations, response.headers.get('x-function-instance'), response.headers.get('x-function-cold-start')]);
      }
      expect(seen).toEqual([
        [1, '1', 'true'],
        [2, '1', 'false'],
        [1, '2', 'true'],
        [2, '2', 'false'],
        [1, '3', 'true'],
      ]);
    } finally {
      await runner.stop();
    }
  });

  it('starts a fresh instance after it was idle for N ms, and keeps it warm while it is used', async () => {
    const runner = await startFunctionRunner({ functions: { counter: path.join(functions.dir, 'counter.mjs') }, warm: { idleMs: 150 }, logger: silent });
    try {
      expect((await call(runner, 'counter', eventFor({}))).body.invocations).toBe(1);
      expect((await call(runner, 'counter', eventFor({}))).body.invocations).toBe(2);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const cold = await call(runner, 'counter', eventFor({}));
      expect(cold.body.invocations).toBe(1);
      expect(cold.headers.get('x-function-cold-start')).toBe('true');
    } finally {
      await runner.stop();
    }
  });

  it('does not share module instances between two runners of the same module', async () => {
    const first = await startFunctionRunner({ dir: functions.dir, logger: silent });
    const second = await startFunctionRunner({ dir: functions.dir, logger: silent });
    try {
      expect((await call(first, 'counter', eventFor({}))).body.invocations).toBe(1);
      expect((await call(second, 'counter', eventFor({}))).body.invocations).toBe(1);
    } finally {
      await first.stop();
      await second.stop();
    }
  });
});

describe('the manifest', () => {
  it('reports every problem at once', async () => {
    const functions = await writeFunctionDir({
      'bad name': { module: 'counter.mjs' },
      keyless: { module: 'counter.mjs', serviceKeyEnv: 'KEY' },
      typo: { module: 'counter.mjs', rol: 'x' },
    });
    try {
      const error = await startFunctionRunner({ dir: functions.dir, logger: silent }).then(
        () => expect.unreachable(),
        (e: unknown) => e as Error,
      );
      expect(error.message).toContain('"bad name" is not a function name');
      expect(error.message).toContain('keyless: a service key needs a "role"');
      expect(error.message).toContain('typo: unknown key "rol"');
    } finally {
      await functions.remove();
    }
  });

  it('refuses to start a function whose service key is not in the environment, or whose module is missing', async () => {
    const functions = await writeFunctionDir({ payment: { module: 'counter.mjs', role: 'payments', serviceKeyEnv: 'PAYMENT_KEY' } });
    try {
      await expect(startFunctionRunner({ dir: functions.dir, env: {}, logger: silent })).rejects.toThrow(/PAYMENT_KEY is not set/);
      await expect(startFunctionRunner({ functions: { gone: path.join(functions.dir, 'gone.mjs') }, logger: silent })).rejects.toThrow(/gone: no module at/);
    } finally {
      await functions.remove();
    }
  });
});
