import { spawn, type ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const bin = fileURLToPath(new URL('../../bin/sluice.mjs', import.meta.url));

interface Running {
  readonly child: ChildProcess;
  readonly url: string;
  readonly lines: Record<string, unknown>[];
  readonly exited: Promise<number | null>;
}

/** Starts `sluice serve` on a free port and resolves once it logs the URL it listens on. */
function serve(env: Record<string, string>): Promise<Running> {
  const child = spawn(process.execPath, [bin, 'serve'], {
    cwd: tmpdir(),
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Record<string, unknown>[] = [];
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = JSON.parse(buffered.slice(0, newline)) as Record<string, unknown>;
        buffered = buffered.slice(newline + 1);
        lines.push(line);
        if (typeof line.msg === 'string' && line.msg.startsWith('Sluice is listening')) {
          resolve({ child, url: String(line.url), lines, exited });
        }
      }
    });
    void exited.then((code) => reject(new Error(`sluice exited with ${code} before listening: ${stderr}`)));
  });
}

describe('sluice serve', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  it('serves GraphQL, warns about dev mode, and exits 0 on SIGTERM', async () => {
    const running = await serve({ DATABASE_URL: db.url, SLUICE_LOG_LEVEL: 'info' });
    try {
      expect(running.lines.some((line) => line.level === 40 && String(line.msg).includes('DEV MODE'))).toBe(true);
      const response = await fetch(`${running.url}/v1/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ data: { __typename: 'query_root' } });
    } finally {
      running.child.kill('SIGTERM');
    }
    expect(await running.exited).toBe(0);
    expect(running.lines.at(-1)).toMatchObject({ msg: 'Sluice stopped' });
  });

  it('does not warn about dev mode when an admin secret is set', async () => {
    const running = await serve({ DATABASE_URL: db.url, SLUICE_ADMIN_SECRET: 'hunter2' });
    running.child.kill('SIGTERM');
    expect(await running.exited).toBe(0);
    expect(running.lines.some((line) => String(line.msg).includes('DEV MODE'))).toBe(false);
    expect(JSON.stringify(running.lines)).not.toContain('hunter2');
  });
});
