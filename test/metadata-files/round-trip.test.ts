import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { Metadata } from '../../schema/metadata/metadata.js';
import { canonicalMetadata, readMetadataDirectory, renderMetadataDirectory, writeMetadataDirectory } from '../../gateway/metadata-files/index.js';

const exampleDir = fileURLToPath(new URL('../../metadata/', import.meta.url));
const dirs: string[] = [];

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-metadata-'));
  dirs.push(dir);
  return dir;
}

afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** Everything the layout has a place for, deliberately out of order. */
const rich = {
  version: 3,
  sources: [
    {
      name: 'default',
      kind: 'postgres',
      configuration: { connection_info: { database_url: { from_env: 'PG_URL' }, pool_settings: { max_connections: 20 } } },
      tables: [
        {
          table: { schema: 'sales', name: 'order' },
          configuration: { custom_name: 'orders', column_config: { id: { custom_name: 'orderId' } } },
          select_permissions: [
            { role: 'user', permission: { filter: { owner_id: { _eq: 'X-Hasura-User-Id' } }, columns: ['id', 'total'], limit: 10 } },
            { role: 'auditor', permission: { columns: '*', filter: {}, allow_aggregations: true }, comment: 'read only' },
          ],
          insert_permissions: [{ role: 'user', permission: { check: { owner_id: { _eq: 'X-Hasura-User-Id' } }, columns: ['total'], set: { owner_id: 'x-hasura-user-id' } } }],
          object_relationships: [{ name: 'owner', using: { foreign_key_constraint_on: 'owner_id' }, comment: null }],
          event_triggers: [{ name: 'order_created', definition: { enable_manual: false, insert: { columns: '*' } }, retry_conf: { num_retries: 0, interval_sec: 10, timeout_sec: 60 }, webhook_from_env: 'ORDER_HOOK' }],
        },
        {
          table: { schema: 'public', name: 'author' },
          is_enum: false,
          array_relationships: [
            { name: 'orders', using: { manual_configuration: { remote_table: { schema: 'sales', name: 'order' }, column_mapping: { id: 'owner_id' } } } },
            { name: 'articles', using: { foreign_key_constraint_on: { table: { schema: 'public', name: 'article' }, column: 'author_id' } } },
          ],
          computed_fields: [{ name: 'full_name', definition: { function: { schema: 'public', name: 'author_full_name' } }, comment: null }],
          update_permissions: [{ role: 'user', permission: { columns: ['name'], filter: { id: { _eq: 'X-Hasura-User-Id' } }, check: null } }],
          delete_permissions: [{ role: 'user', permission: { filter: { _and: [{ id: { _eq: 'X-Hasura-User-Id' } }, { name: { _like: '%"quoted"%' } }] } } }],
        },
        { table: { schema: 'we ird', name: 'a/b "c"' } },
      ],
      functions: [{ function: { schema: 'public', name: 'search_authors' } }],
    },
  ],
  inherited_roles: [{ role_name: 'staff', role_set: ['user', 'auditor'] }],
  allow_list: [{ collection: 'allowed', scope: { global: true } }],
  service_keys: [{ name: 'ci', roles: ['user'], key_hash: `scrypt$${'a'.repeat(22)}$${'b'.repeat(43)}`, expires_at: '2030-01-31T00:00:00Z' }],
} as unknown as Metadata;

describe('metadata directory round trip', () => {
  it('reads back what it wrote, in canonical form', async () => {
    const dir = await tempDir();
    await writeMetadataDirectory(dir, rich);
    const read = await readMetadataDirectory(dir);
    expect(read).toEqual(canonicalMetadata(rich));
    // Canonical metadata comes back exactly, key order included.
    await writeMetadataDirectory(dir, read);
    expect(JSON.stringify(await readMetadataDirectory(dir))).toBe(JSON.stringify(read));
  });

  it('writes the same bytes for the same metadata however it is ordered', () => {
    const shuffled = {
      ...rich,
      sources: [{ ...rich.sources[0]!, tables: [...rich.sources[0]!.tables].reverse() }],
    } as Metadata;
    expect(renderMetadataDirectory(shuffled)).toEqual(renderMetadataDirectory(rich));
  });

  it('uses Hasura v3 file names and includes, with unsafe characters encoded', async () => {
    const dir = await tempDir();
    await writeMetadataDirectory(dir, rich);
    expect((await readdir(join(dir, 'databases/default/tables'))).sort()).toEqual([
      'public_author.yaml',
      'sales_order.yaml',
      'tables.yaml',
      'we%20ird_a%2Fb%20%22c%22.yaml',
    ]);
    expect(await readFile(join(dir, 'databases/default/tables/tables.yaml'), 'utf8')).toBe(
      '- "!include public_author.yaml"\n- "!include sales_order.yaml"\n- "!include we%20ird_a%2Fb%20%22c%22.yaml"\n',
    );
    expect(await readFile(join(dir, 'version.yaml'), 'utf8')).toBe('version: 3\n');
  });

  it('removes the file of a table that is no longer tracked, and nothing else', async () => {
    const dir = await tempDir();
    await writeMetadataDirectory(dir, rich);
    await writeFile(join(dir, 'README.md'), 'mine\n');
    const fewer = { ...rich, sources: [{ ...rich.sources[0]!, tables: rich.sources[0]!.tables.slice(0, 1) }] } as Metadata;
    await writeMetadataDirectory(dir, fewer);
    expect((await readdir(join(dir, 'databases/default/tables'))).sort()).toEqual(['sales_order.yaml', 'tables.yaml']);
    expect(await readFile(join(dir, 'README.md'), 'utf8')).toBe('mine\n');
    expect(await readMetadataDirectory(dir)).toEqual(canonicalMetadata(fewer));
  });

  it('round-trips the example application byte for byte', async () => {
    const metadata = await readMetadataDirectory(exampleDir);
    const dir = await tempDir();
    await writeMetadataDirectory(dir, metadata);
    for (const [path, content] of renderMetadataDirectory(metadata)) {
      expect(await readFile(join(exampleDir, path), 'utf8'), path).toBe(content);
    }
    expect(await readMetadataDirectory(dir)).toEqual(metadata);
  });

  it('follows the !include tag as well as the quoted Hasura form', async () => {
    const dir = await tempDir();
    await writeMetadataDirectory(dir, rich);
    const databases = join(dir, 'databases/databases.yaml');
    await writeFile(databases, (await readFile(databases, 'utf8')).replace('tables: "!include default/tables/tables.yaml"', 'tables: !include default/tables/tables.yaml'));
    expect(await readMetadataDirectory(dir)).toEqual(canonicalMetadata(rich));
  });
});
