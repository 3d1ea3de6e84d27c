import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isMetadataDirectoryError, readMetadataDirectory, type MetadataFileProblem } from '../../gateway/metadata-files/index.js';

const dirs: string[] = [];

afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

const albumFile = `table:
  name: album
  schema: public
select_permissions:
  - role: customer
    permission:
      columns: [album_id, title]
      filter: {}
`;

/** A valid one-table directory, with `files` replacing or adding files. */
async function directory(files: Record<string, string> = {}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-metadata-'));
  dirs.push(dir);
  const all: Record<string, string> = {
    'version.yaml': 'version: 3\n',
    'databases/databases.yaml': '- name: default\n  kind: postgres\n  tables: "!include default/tables/tables.yaml"\n',
    'databases/default/tables/tables.yaml': '- "!include public_album.yaml"\n',
    'databases/default/tables/public_album.yaml': albumFile,
    ...files,
  };
  for (const [path, content] of Object.entries(all)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
  }
  return dir;
}

async function problems(dir: string): Promise<MetadataFileProblem[]> {
  const error = await readMetadataDirectory(dir).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isMetadataDirectoryError(error)) throw new Error(`expected a MetadataDirectoryError, got ${String(error)}`);
  return [...error.problems];
}

describe('reading a metadata directory', () => {
  it('reads a valid directory', async () => {
    const metadata = await readMetadataDirectory(await directory());
    expect(metadata.sources[0]!.tables).toEqual([
      { table: { name: 'album', schema: 'public' }, select_permissions: [{ role: 'customer', permission: { columns: ['album_id', 'title'], filter: {} } }] },
    ]);
  });

  it('names the file and line of malformed YAML', async () => {
    const dir = await directory({
      'databases/default/tables/tables.yaml': '- "!include public_album.yaml"\n- "!include public_artist.yaml"\n',
      'databases/default/tables/public_album.yaml': albumFile.replace('title]', 'title'),
      'databases/default/tables/public_artist.yaml': 'table: {name: artist, schema: public}\nis_enum: false\nselect_permision: []\n',
    });
    const found = await problems(dir);
    expect(found[0]).toEqual({
      file: 'databases/default/tables/public_album.yaml',
      line: 8,
      message: 'invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]',
    });
    // The other file's problem is reported in the same run.
    expect(found.at(-1)).toEqual({ file: 'databases/default/tables/public_artist.yaml', line: 3, message: expect.stringMatching(/^unknown key "select_permision" in a table entry/) });
  });

  it('reports every unknown key, in every file, with its line', async () => {
    const dir = await directory({
      'databases/default/tables/tables.yaml': '- "!include public_album.yaml"\n- "!include public_artist.yaml"\n',
      'databases/default/tables/public_album.yaml': albumFile.replace('      filter: {}', '      filtr: {}') + 'permissions: []\n',
      'databases/default/tables/public_artist.yaml': 'table: {name: artist, schema: public}\nselect_permissions:\n  - role: customer\n    rol: x\n    permission: {columns: "*", filter: {}}\n',
    });
    expect(await problems(dir)).toEqual([
      {
        file: 'databases/default/tables/public_album.yaml',
        line: 8,
        message: 'unknown key "filtr" in select permission for role "customer" (expected columns, computed_fields, filter, limit, allow_aggregations, query_root_fields, subscription_root_fields)',
      },
      {
        file: 'databases/default/tables/public_album.yaml',
        line: 9,
        message: expect.stringMatching(/^unknown key "permissions" in a table entry \(expected table, /),
      },
      {
        file: 'databases/default/tables/public_artist.yaml',
        line: 4,
        message: 'unknown key "rol" in select_permissions[0] (expected role, permission, comment)',
      },
    ]);
  });

  it('refuses a directory from a newer format version', async () => {
    const dir = await directory({ 'version.yaml': '# written by a future Sluice\nversion: 4\n' });
    expect(await problems(dir)).toEqual([
      { file: 'version.yaml', line: 2, message: 'metadata format version 4 is newer than this Sluice supports (3); upgrade Sluice to read it' },
    ]);
  });

  it('says when the directory is not a metadata directory', async () => {
    const dir = await directory();
    await rm(join(dir, 'version.yaml'));
    expect(await problems(dir)).toEqual([{ file: 'version.yaml', message: 'file not found: this is not a metadata directory' }]);
  });

  it('reports a missing include and a duplicate role together', async () => {
    const dir = await directory({
      'databases/default/tables/tables.yaml': '- "!include public_album.yaml"\n- "!include public_gone.yaml"\n- "!include public_album_again.yaml"\n',
      'databases/default/tables/public_album_again.yaml': albumFile + '  - role: customer\n    permission: {columns: "*", filter: {}}\n',
    });
    expect(await problems(dir)).toEqual([
      { file: 'databases/default/tables/tables.yaml', line: 2, message: 'included file not found: databases/default/tables/public_gone.yaml' },
      { file: 'databases/default/tables/public_album_again.yaml', line: 9, message: 'role "customer" has two select permissions' },
    ]);
  });

  it('reports a table defined in two files', async () => {
    const dir = await directory({
      'databases/default/tables/tables.yaml': '- "!include public_album.yaml"\n- "!include public_album_copy.yaml"\n',
      'databases/default/tables/public_album_copy.yaml': albumFile,
    });
    expect(await problems(dir)).toEqual([
      { file: 'databases/default/tables/public_album_copy.yaml', line: 1, message: 'table public.album is already defined in databases/default/tables/public_album.yaml' },
    ]);
  });

  it('refuses a service key stored in clear', async () => {
    const dir = await directory({ 'sluice/service_keys.yaml': '- name: ci\n  roles: [customer]\n  key: sk_live_secret\n' });
    expect(await problems(dir)).toEqual([
      { file: 'sluice/service_keys.yaml', line: 1, message: 'service key: store "key_hash" only; never put the key itself in metadata' },
    ]);
  });
});
