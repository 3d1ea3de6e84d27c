import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../gateway/logging/index.js';
import { scheduleReloads } from '../../gateway/reload/schedule-reloads.js';

const quiet = createLogger('silent', new Writable({ write: (_chunk, _encoding, done) => done() }));

describe('scheduleReloads', () => {
  it('retries a failed reload until it succeeds, then stops retrying', async () => {
    let attempts = 0;
    let succeeded!: () => void;
    const done = new Promise<void>((resolve) => (succeeded = resolve));
    const scheduler = scheduleReloads(
      async () => {
        attempts++;
        if (attempts < 3) throw new Error('timeout exceeded when trying to connect');
        succeeded();
      },
      5,
      quiet,
      20,
    );
    scheduler.request('test');
    await done;
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(attempts).toBe(3);
    await scheduler.stop();
  });

  it('does not retry after stop', async () => {
    let attempts = 0;
    const scheduler = scheduleReloads(
      async () => {
        attempts++;
        throw new Error('down');
      },
      5,
      quiet,
      30,
    );
    scheduler.request('test');
    await new Promise((resolve) => setTimeout(resolve, 20));
    await scheduler.stop();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(attempts).toBe(1);
  });
});
