/**
 * `sluice start`'s secrets for the example: made once per checkout, kept private, reused; and the
 * service keys' hashes registered in the catalog without churning the metadata on restarts.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureServiceKeys } from '../../gateway/cli/ensure-service-keys.js';
import { loadConfig } from '../../gateway/config/index.js';
import { createPool, runMigrations } from '../../gateway/database/index.js';
import { createLogger } from '../../gateway/logging/index.js';
import { createMetadataStore } from '../../gateway/metadata/index.js';
import { generateServiceKey, serviceKeyMatchesHash } from '../../gateway/session/service-keys/index.js';
import { loadOrCreateExampleSecrets, readExampleSecrets } from '../../functions/orders/example-secrets.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-secrets-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the example secrets file', () => {
  it('is made once, readable by its owner only, and then reused', async () => {
    const path = join(dir, 'nested', 'secrets.json');
    expect(await readExampleSecrets(path)).toBeNull();
    const made = await loadOrCreateExampleSecrets(path, ['A_KEY', 'B_KEY'], generateServiceKey);
    expect(JSON.parse(made.jwtSecret)).toMatchObject({ type: 'HS256', key: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    expect(Object.keys(made.serviceKeys)).toEqual(['A_KEY', 'B_KEY']);
    expect(made.serviceKeys.A_KEY).not.toBe(made.serviceKeys.B_KEY);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await loadOrCreateExampleSecrets(path, ['A_KEY', 'B_KEY'], generateServiceKey)).toEqual(made);
    expect(await readExampleSecrets(path)).toEqual(made);
  });

  it('adds a key for a new function and keeps the others', async () => {
    const path = join(dir, 'grow.json');
    const first = await loadOrCreateExampleSecrets(path, ['A_KEY'], generateServiceKey);
    const second = await loadOrCreateExampleSecrets(path, ['A_KEY', 'C_KEY'], generateServiceKey);
    expect(second.jwtSecret).toBe(first.jwtSecret);
    expect(second.serviceKeys.A_KEY).toBe(first.serviceKeys.A_KEY);
    expect(second.serviceKeys.C_KEY).toMatch(/^sk_/);
  });
});

describe('ensureServiceKeys', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('sluice_keys');
    await runMigrations(db.url, { example: false }, createLogger('silent'));
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('registers the hashes once, leaves matching ones alone, and replaces a changed key', async () => {
    const pool = createPool(loadConfig({ DATABASE_URL: db.url, SLUICE_POOL_MAX: '2' }), createLogger('silent'));
    try {
      const store = createMetadataStore(pool);
      const keys = [
        { name: 'validate-order', roles: ['order_validator'], key: generateServiceKey() },
        { name: 'take-payment', roles: ['payments'], key: generateServiceKey() },
      ];
      expect(await ensureServiceKeys(pool, keys)).toEqual(['validate-order', 'take-payment']);
      const after = await store.load();
      expect(after.metadata.service_keys?.map((k) => [k.name, k.roles])).toEqual([['validate-order', ['order_validator']], ['take-payment', ['payments']]]);
      expect(JSON.stringify(after.metadata)).not.toContain(keys[0]!.key);
      expect(await serviceKeyMatchesHash(keys[1]!.key, after.metadata.service_keys![1]!.key_hash)).toBe(true);

      expect(await ensureServiceKeys(pool, keys)).toEqual([]);
      expect((await store.load()).resourceVersion).toBe(after.resourceVersion);

      const rotated = { ...keys[1]!, key: generateServiceKey() };
      expect(await ensureServiceKeys(pool, [keys[0]!, rotated])).toEqual(['take-payment']);
      const last = (await store.load()).metadata.service_keys!;
      expect(last).toHaveLength(2);
      expect(await serviceKeyMatchesHash(rotated.key, last[1]!.key_hash)).toBe(true);
      expect(await serviceKeyMatchesHash(keys[1]!.key, last[1]!.key_hash)).toBe(false);
    } finally {
      await pool.end();
    }
  });
});
