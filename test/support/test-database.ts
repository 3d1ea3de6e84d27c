/**
 * A fresh, empty database per test file on the shared test server, dropped afterwards.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

export interface TestDatabase {
  /** Connection string of the new database. */
  readonly url: string;
  /** A small pool on it, for setting up data and checking results. */
  readonly pool: pg.Pool;
  drop(): Promise<void>;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export async function createTestDatabase(prefix = 'sluice_test'): Promise<TestDatabase> {
  const adminUrl = inject('adminDatabaseUrl');
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = withDatabase(adminUrl, name);
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  // pool.end() resolves before its sockets have closed, so `DROP DATABASE … WITH (FORCE)` in drop()
  // can terminate a connection that is still closing (57P01). Without a listener that error on an
  // idle client would be an uncaught exception that fails the run after every test passed.
  pool.on('error', (error: Error & { code?: string }) => {
    if (error.code !== '57P01') console.error('test database pool:', error.message);
  });
  return {
    url,
    pool,
    async drop() {
      await pool.end();
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
