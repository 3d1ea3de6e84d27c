import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyMetadata, type Metadata } from '../../schema/metadata/metadata.js';
import { isGatewayError } from '../../gateway/errors/index.js';
import { createMetadataFixture, type MetadataFixture } from './metadata-fixture.js';

describe('metadata store', () => {
  let f: MetadataFixture;
  beforeAll(async () => {
    f = await createMetadataFixture();
  });
  afterAll(async () => {
    await f.close();
  });

  const withTable: Metadata = {
    version: 3,
    sources: [{ name: 'default', kind: 'postgres', tables: [{ table: { schema: 'public', name: 'author' } }] }],
  };

  it('loads the seeded empty metadata at version 1', async () => {
    expect(await f.store.load()).toEqual({ metadata: emptyMetadata(), resourceVersion: 1 });
  });

  it('saves through a read-only pool, bumps the version and loads what it saved', async () => {
    const { resourceVersion } = await f.store.load();
    const next = await f.store.save(withTable, resourceVersion);
    expect(next).toBe(resourceVersion + 1);
    expect(await f.store.load()).toEqual({ metadata: withTable, resourceVersion: next });
  });

  it('refuses a save from a stale version with 409 conflict and keeps the stored document', async () => {
    const { resourceVersion } = await f.store.load();
    const error = await f.store.save(emptyMetadata(), resourceVersion - 1).catch((e: unknown) => e);
    expect(isGatewayError(error) && [error.code, error.status]).toEqual(['conflict', 409]);
    expect(await f.store.load()).toEqual({ metadata: withTable, resourceVersion });
  });

  it('lets exactly one of two concurrent saves from the same version win', async () => {
    const { resourceVersion } = await f.store.load();
    const results = await Promise.allSettled([f.store.save(withTable, resourceVersion), f.store.save(emptyMetadata(), resourceVersion)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect((await f.store.load()).resourceVersion).toBe(resourceVersion + 1);
  });

  it('notifies sluice_metadata with the new version on commit', async () => {
    const listener = new pg.Client({ connectionString: f.db.url });
    await listener.connect();
    try {
      await listener.query('LISTEN sluice_metadata');
      const received = new Promise<string | undefined>((resolve) => listener.on('notification', (n) => resolve(n.payload)));
      const { resourceVersion } = await f.store.load();
      const next = await f.store.save(withTable, resourceVersion);
      expect(await received).toBe(String(next));
    } finally {
      await listener.end();
    }
  });
});
