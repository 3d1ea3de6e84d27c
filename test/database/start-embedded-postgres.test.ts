import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from '../../gateway/database/index.js';

async function query(url: string, sql: string): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('startEmbeddedPostgres', () => {
  const dataDir = join(tmpdir(), `sluice-embedded-${randomBytes(6).toString('hex')}`);
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps a persistent cluster across restarts, in UTC', async () => {
    const first = await startEmbeddedPostgres({ dataDir, persistent: true });
    try {
      await query(first.url, 'CREATE TABLE kept (id int); INSERT INTO kept VALUES (42)');
      expect(await query(first.url, `SELECT current_setting('TimeZone') AS tz`)).toEqual([{ tz: 'UTC' }]);
    } finally {
      await first.stop();
    }
    expect(existsSync(join(dataDir, 'PG_VERSION'))).toBe(true);

    const second = await startEmbeddedPostgres({ dataDir, persistent: true });
    try {
      expect(second.url).not.toBe(first.url); // a new free port each time
      expect(await query(second.url, 'SELECT id FROM kept')).toEqual([{ id: 42 }]);
    } finally {
      await second.stop();
    }
  });

  it('explains why it could not start', async () => {
    const running = await startEmbeddedPostgres({ dataDir, persistent: true });
    try {
      // A second server on the same data directory finds the first one's lock file.
      await expect(startEmbeddedPostgres({ dataDir, persistent: true })).rejects.toThrow(/could not start[\s\S]*postmaster\.pid/);
    } finally {
      await running.stop();
    }
  });
});
