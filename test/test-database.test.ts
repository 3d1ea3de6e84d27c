import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';

describe('test database', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });
  it('is a real Postgres server of a supported version', async () => {
    const { rows } = await db.pool.query<{ v: string }>('SELECT current_setting($$server_version_num$$) AS v');
    expect(Number(rows[0]!.v)).toBeGreaterThanOrEqual(140000);
  });
});
