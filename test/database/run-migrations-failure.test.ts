import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMigrations } from '../../gateway/database/index.js';
import { createLogger } from '../../gateway/logging/index.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const logger = createLogger('silent');

describe('runMigrations with a failing file', () => {
  let db: TestDatabase;
  let directory: string;
  beforeAll(async () => {
    db = await createTestDatabase();
    directory = await mkdtemp(join(tmpdir(), 'sluice-migrations-'));
    await mkdir(join(directory, 'catalog'));
    await writeFile(join(directory, 'catalog', '0001_good.sql'), 'CREATE TABLE good (id int);\n');
    await writeFile(join(directory, 'catalog', '0002_bad.sql'), 'CREATE TABLE half (id int);\n\nSELECT nonsense FROM nowhere;\n');
  });
  afterAll(async () => {
    await db.drop();
    await rm(directory, { recursive: true, force: true });
  });

  it('names the file and line, keeps earlier files and rolls the failed one back', async () => {
    await expect(runMigrations(db.url, { example: false, directory }, logger)).rejects.toThrow(
      'migration catalog/0002_bad.sql failed (line 3): relation "nowhere" does not exist',
    );
    const { rows } = await db.pool.query(
      `SELECT to_regclass('public.good') IS NOT NULL AS good, to_regclass('public.half') IS NOT NULL AS half`,
    );
    expect(rows[0]).toEqual({ good: true, half: false });
    const applied = await db.pool.query('SELECT name FROM sluice.schema_migrations');
    expect(applied.rows).toEqual([{ name: 'catalog/0001_good.sql' }]);
  });
});
