import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Metadata } from '../../schema/metadata/metadata.js';
import { renderMetadataDirectory } from './render-metadata-directory.js';

/** The folders whose files are all generated: a file there that is not written again is stale. */
async function generatedFolders(dir: string): Promise<string[]> {
  const databases = join(dir, 'databases');
  const sources = await readdir(databases, { withFileTypes: true }).catch(() => []);
  return sources.filter((d) => d.isDirectory()).flatMap((d) => [join(databases, d.name, 'tables'), join(databases, d.name, 'functions')]);
}

/**
 * Writes `metadata` as a metadata directory (Hasura's v3 layout). Table and function files of
 * objects no longer in the metadata are removed, so the directory mirrors the metadata exactly;
 * files Sluice does not generate (a README, tests/) are left alone.
 */
export async function writeMetadataDirectory(dir: string, metadata: Metadata): Promise<void> {
  const files = renderMetadataDirectory(metadata);
  const written = new Set<string>();
  for (const [path, content] of files) {
    const target = join(dir, ...path.split('/'));
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, content);
    written.add(target);
  }
  for (const folder of await generatedFolders(dir)) {
    const names = await readdir(folder).catch(() => []);
    for (const name of names) {
      const path = join(folder, name);
      if (name.endsWith('.yaml') && !written.has(path)) await rm(path);
    }
  }
}
