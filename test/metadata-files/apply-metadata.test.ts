import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMigrations } from '../../gateway/database/index.js';
import { createLogger } from '../../gateway/logging/index.js';
import { createMetadataStore } from '../../gateway/metadata/index.js';
import { commitApply, planApply, readMetadataDirectory, sameMetadata } from '../../gateway/metadata-files/index.js';
import { emptyMetadata } from '../../schema/metadata/metadata.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { sluice } from './cli-process.js';

const exampleDir = fileURLToPath(new URL('../../metadata/', import.meta.url));
let db: TestDatabase;
let work: string;

beforeAll(async () => {
  db = await createTestDatabase('sluice_mdfiles');
  await runMigrations(db.url, { example: true }, createLogger('silent'));
  work = await mkdtemp(join(tmpdir(), 'sluice-metadata-'));
});

afterAll(async () => {
  await db.drop();
  await rm(work, { recursive: true, force: true });
});

/** A copy of the example directory with table files edited (or added). */
async function exampleCopy(name: string, edits: Record<string, (text: string) => string> = {}): Promise<string> {
  const dir = join(work, name);
  await cp(exampleDir, dir, { recursive: true });
  for (const [file, edit] of Object.entries(edits)) {
    const path = join(dir, 'databases/default/tables', file);
    await writeFile(path, edit(await readFile(path, 'utf8').catch(() => '')));
  }
  return dir;
}

describe('sluice metadata against a database', () => {
  it('applies the example directory, exports it back unchanged, and then has nothing to apply', async () => {
    const env = { DATABASE_URL: db.url };
    const applied = await sluice(['metadata', 'apply', '--dir', exampleDir], env);
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    expect(applied.stdout).toMatch(/^applied \d+ changes \(\d+ added, 0 removed, 0 changed\): resource version 1 -> 2$/m);

    const stored = await createMetadataStore(db.pool).load();
    expect(sameMetadata(stored.metadata, await readMetadataDirectory(exampleDir))).toBe(true);

    const exported = join(work, 'exported');
    expect((await sluice(['metadata', 'export', '--dir', exported], env)).code).toBe(0);
    expect(await readMetadataDirectory(exported)).toEqual(await readMetadataDirectory(exampleDir));
    expect(await readFile(join(exported, 'databases/default/tables/public_invoice.yaml'), 'utf8')).toBe(
      await readFile(join(exampleDir, 'databases/default/tables/public_invoice.yaml'), 'utf8'),
    );

    const again = await sluice(['metadata', 'apply', '--dir', exported], env);
    expect(again).toMatchObject({ code: 0, stdout: `nothing to apply: the database already matches ${exported} (resource version 2)\n` });
    const status = await sluice(['metadata', 'status', '--dir', exported, '--json'], env);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ ok: true, resource_version: 2, directory: { matches: true }, inconsistent_objects: [] });
  }, 180_000);

  it('shows a permission change as a diff, per table and role', async () => {
    const dir = await exampleCopy('changed', {
      'public_invoice.yaml': (text) => text.replace('        - billing_address\n', '').replace('          _eq: X-Hasura-Customer-Id\n      allow_aggregations: true', '          _eq: X-Hasura-Customer-Id\n      limit: 20\n      allow_aggregations: true'),
    });
    const diff = await sluice(['metadata', 'diff', '--dir', dir], { DATABASE_URL: db.url });
    expect(diff).toEqual({
      code: 0,
      stderr: '',
      stdout: [
        `database (resource version 2) -> ${dir}`,
        '~ table public.invoice',
        '    role customer',
        '      ~ select permission',
        '          columns removed: billing_address',
        '          limit: (none) -> 20',
        '1 change (0 added, 0 removed, 1 changed)',
        '',
      ].join('\n'),
    });
  });

  it('refuses inconsistent metadata, lists every problem with its file, and leaves the database as it was', async () => {
    const before = await createMetadataStore(db.pool).load();
    const dir = await exampleCopy('inconsistent', {
      'public_invoice.yaml': (text) => text.replace('        - total\n', '        - totl\n'),
      'public_track.yaml': (text) => text.replace('      foreign_key_constraint_on: genre_id', '      foreign_key_constraint_on: genre_key'),
      'tables.yaml': (text) => `${text}- "!include public_gone.yaml"\n`,
      'public_gone.yaml': () => 'table:\n  name: gone\n  schema: public\n',
    });
    const result = await sluice(['metadata', 'apply', '--dir', dir], { DATABASE_URL: db.url });
    expect(result.code).toBe(1);
    expect(result.stdout.split('\n')).toEqual([
      'refused: 3 inconsistent object(s) against the database; nothing was applied (--allow-inconsistent applies anyway)',
      '  databases/default/tables/public_gone.yaml:1: no such table/view exists in source: "gone"',
      '  databases/default/tables/public_invoice.yaml:17: in table "invoice": in permission for role "customer": no such column exists: "totl"',
      '  databases/default/tables/public_track.yaml:8: in table "track": in relationship "genre": no such column exists: "genre_key"',
      '',
    ]);
    const after = await createMetadataStore(db.pool).load();
    expect(after).toEqual(before);

    const validate = await sluice(['metadata', 'validate', '--dir', dir, '--json'], { DATABASE_URL: db.url });
    expect(validate.code).toBe(1);
    expect(JSON.parse(validate.stdout).problems).toHaveLength(3);
  });

  it('fails with a conflict when the resource version moved after apply read it', async () => {
    const store = createMetadataStore(db.pool);
    const plan = await planApply(db.pool, emptyMetadata());
    const current = await store.load();
    // Another admin saves in between.
    await store.save(current.metadata, current.resourceVersion);
    const outcome = await commitApply(db.pool, plan);
    expect(outcome).toMatchObject({ status: 'conflict', expectedVersion: current.resourceVersion });
    expect((outcome as { message: string }).message).toContain(`resource version ${current.resourceVersion} when apply started`);
    expect(await store.load()).toEqual({ metadata: current.metadata, resourceVersion: current.resourceVersion + 1 });

    const stale = await sluice(['metadata', 'apply', '--dir', exampleDir, '--resource-version', '1'], { DATABASE_URL: db.url });
    expect(stale.code).toBe(1);
    expect(stale.stdout).toBe(`conflict: the database is at resource version ${current.resourceVersion + 1}, not 1; nothing was applied: review \`sluice metadata diff\` again\n`);
  });

  it('exits 2 on a usage error', async () => {
    const unknown = await sluice(['metadata', 'push'], { DATABASE_URL: db.url });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^unknown metadata command "push": expected export, apply, diff, validate, status\n/);
    const noDatabase = await sluice(['metadata', 'status'], {});
    expect(noDatabase.code).toBe(2);
    expect(noDatabase.stderr).toMatch(/^DATABASE_URL is required by `sluice metadata status`/);
  });
});
