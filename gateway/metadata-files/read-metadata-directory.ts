/**
 * Reads a metadata directory in Hasura's config v3 layout into one metadata document. Every file
 * is read and checked before anything is reported, so an admin sees all problems at once.
 */
import { isDeepStrictEqual } from 'node:util';
import { isScalar, type Node, type YAMLMap } from 'yaml';
import type { Metadata, SourceMetadata, TableMetadata } from '../../schema/metadata/metadata.js';
import { checkKeys, expectMap, expectSeq, requireString } from './check-keys.js';
import { databasesFile, defaultSourceConfiguration, formatVersion, inheritedRolesFile, passThroughSections, sectionFile, serviceKeysFile, versionFile } from './directory-layout.js';
import { MetadataDirectoryError } from './metadata-file-problem.js';
import { locationKey, type MetadataLocations } from './metadata-locations.js';
import { readTableEntry } from './read-table-file.js';
import { containsInclude, includePath, toJs, YamlReader, type YamlFile } from './yaml-file.js';

export interface LoadedMetadataDirectory {
  readonly metadata: Metadata;
  /** Where each table, relationship and permission came from. */
  readonly locations: MetadataLocations;
}

const sourceKeys = ['name', 'kind', 'configuration', 'tables', 'functions', 'customization'];
const inheritedRoleKeys = ['role_name', 'role_set'];
const serviceKeyKeys = ['name', 'roles', 'key_hash', 'expires_at', 'comment'];

/** Reads `version.yaml`; false when the rest of the directory must not be read. */
async function readVersion(reader: YamlReader): Promise<boolean> {
  const file = await reader.read(versionFile, true);
  if (!file) {
    if (reader.problems.at(-1)?.message === 'file not found') reader.problems[reader.problems.length - 1] = { file: versionFile, message: 'file not found: this is not a metadata directory' };
    return false;
  }
  const map = expectMap(reader, file, file.document.contents, 'version.yaml');
  if (!map) return false;
  const values = checkKeys(reader, file, map, ['version'], 'version.yaml');
  const node = values.get('version');
  const version = isScalar(node) ? node.value : undefined;
  if (version === formatVersion) return true;
  if (typeof version === 'number' && version > formatVersion) {
    reader.problem(file, node as Node, `metadata format version ${version} is newer than this Sluice supports (${formatVersion}); upgrade Sluice to read it`);
  } else {
    reader.problem(file, (node ?? map) as Node, `unsupported metadata format version ${JSON.stringify(version ?? null)}: Sluice reads version ${formatVersion} (convert older directories with the Hasura CLI's \`hasura scripts update-project-v3\`)`);
  }
  return false;
}

/**
 * A list given inline or through an include. Each item of the list may itself be an include of
 * one object; `readItem` gets the file and node it is in.
 */
async function readIncludedList(
  reader: YamlReader,
  file: YamlFile,
  node: unknown,
  what: string,
  readItem: (file: YamlFile, node: unknown) => void,
  visiting: ReadonlySet<string>,
): Promise<void> {
  const target = includePath(node);
  if (target !== undefined) {
    const path = reader.resolveInclude(file, target);
    if (visiting.has(path)) return reader.problem(file, node as Node, `"!include ${target}" includes itself`);
    const included = await reader.read(path, true);
    if (!included) {
      if (reader.problems.at(-1)?.file === path && reader.problems.at(-1)?.message === 'file not found') {
        reader.problems.pop();
        reader.problem(file, node as Node, `included file not found: ${path}`);
      }
      return;
    }
    return readIncludedList(reader, included, included.document.contents, what, readItem, new Set([...visiting, path]));
  }
  const seq = expectSeq(reader, file, node, what);
  for (const item of seq?.items ?? []) {
    const itemTarget = includePath(item);
    if (itemTarget === undefined) {
      readItem(file, item);
      continue;
    }
    const path = reader.resolveInclude(file, itemTarget);
    const included = await reader.read(path, false);
    if (!included) {
      if (!reader.problems.some((p) => p.file === path)) reader.problem(file, item as Node, `included file not found: ${path}`);
      continue;
    }
    readItem(included, included.document.contents);
  }
}

async function readSource(reader: YamlReader, file: YamlFile, node: unknown, locations: MetadataLocations): Promise<SourceMetadata | undefined> {
  const map = expectMap(reader, file, node, 'a database entry');
  if (!map) return undefined;
  const values = checkKeys(reader, file, map, sourceKeys, 'a database entry');
  const name = requireString(reader, file, map, values, 'name', 'a database entry');
  if (name !== undefined && name !== 'default') reader.problem(file, map, `database "${name}": Sluice serves one database, which must be named "default"`);
  const kind = values.get('kind');
  if (kind !== undefined && !(isScalar(kind) && kind.value === 'postgres')) reader.problem(file, kind as Node, '"kind" must be "postgres"');
  const tables: TableMetadata[] = [];
  const seen = new Map<string, string>();
  await readIncludedList(reader, file, values.get('tables'), '"tables"', (tableFile, tableNode) => {
    const entry = readTableEntry({ reader, file: tableFile, locations }, tableNode);
    if (!entry) return;
    const key = locationKey(entry.table);
    const first = seen.get(key);
    if (first !== undefined) reader.problem(tableFile, tableNode as Node, `table ${entry.table.schema}.${entry.table.name} is already defined in ${first}`);
    else seen.set(key, tableFile.path);
    tables.push(entry);
  }, new Set([file.path]));
  const functions: unknown[] = [];
  if (values.has('functions')) {
    await readIncludedList(reader, file, values.get('functions'), '"functions"', (fnFile, fnNode) => {
      const fn = expectMap(reader, fnFile, fnNode, 'a function entry');
      if (fn) functions.push(toJs(fnFile, fn));
    }, new Set([file.path]));
  }
  const source: Record<string, unknown> = { name: name ?? 'default', kind: 'postgres', tables };
  for (const key of ['configuration', 'customization']) if (values.has(key)) source[key] = toJs(file, values.get(key));
  if (isDeepStrictEqual(source.configuration, defaultSourceConfiguration)) delete source.configuration;
  if (functions.length > 0) source.functions = functions;
  if (containsInclude(source.configuration) || containsInclude(source.customization)) reader.problem(file, map, '"!include" is only followed where a list of tables or functions is expected');
  return source as unknown as SourceMetadata;
}

/** A list file of mappings whose keys are checked (inherited roles, service keys). */
async function readCheckedList(reader: YamlReader, path: string, allowed: readonly string[], what: string, nameKey: string): Promise<unknown[] | undefined> {
  const file = await reader.read(path, false);
  if (!file) return undefined;
  const seq = expectSeq(reader, file, file.document.contents, path);
  const out: unknown[] = [];
  const names = new Set<string>();
  seq?.items.forEach((item, i) => {
    const map: YAMLMap | undefined = expectMap(reader, file, item, `${what} [${i}]`);
    if (!map) return;
    if (map.has('key')) return reader.problem(file, map, `${what}: store "key_hash" only; never put the key itself in metadata`);
    const values = checkKeys(reader, file, map, allowed, what);
    const name = requireString(reader, file, map, values, nameKey, what);
    if (name !== undefined && names.has(name)) reader.problem(file, map, `${what} "${name}" is defined twice`);
    if (name !== undefined) names.add(name);
    out.push(toJs(file, map));
  });
  return out.length > 0 ? out : undefined;
}

async function readDatabases(reader: YamlReader, locations: MetadataLocations): Promise<SourceMetadata[]> {
  const file = await reader.read(databasesFile, true);
  if (!file) return [];
  const seq = expectSeq(reader, file, file.document.contents, 'databases.yaml');
  const sources: SourceMetadata[] = [];
  for (const item of seq?.items ?? []) {
    const source = await readSource(reader, file, item, locations);
    if (source) sources.push(source);
  }
  if ((seq?.items.length ?? 0) > 1) reader.problem(file, seq?.items[1] as Node, 'Sluice serves one database: databases.yaml lists more than one');
  return sources;
}

/** Reads the directory with the location of every object; throws `MetadataDirectoryError`. */
export async function loadMetadataDirectory(dir: string): Promise<LoadedMetadataDirectory> {
  const reader = new YamlReader(dir);
  const locations: MetadataLocations = new Map();
  if (!(await readVersion(reader))) throw new MetadataDirectoryError(dir, reader.problems);
  const sources = await readDatabases(reader, locations);
  const metadata: Record<string, unknown> = {
    version: formatVersion,
    sources: sources.length > 0 ? sources : [{ name: 'default', kind: 'postgres', tables: [] }],
  };
  const inheritedRoles = await readCheckedList(reader, inheritedRolesFile, inheritedRoleKeys, 'inherited role', 'role_name');
  if (inheritedRoles) metadata.inherited_roles = inheritedRoles;
  for (const section of passThroughSections) {
    const file = await reader.read(sectionFile(section), false);
    if (file) metadata[section] = toJs(file, file.document.contents);
  }
  const serviceKeys = await readCheckedList(reader, serviceKeysFile, serviceKeyKeys, 'service key', 'name');
  if (serviceKeys) metadata.service_keys = serviceKeys;
  if (reader.problems.length > 0) throw new MetadataDirectoryError(dir, reader.problems);
  return { metadata: metadata as unknown as Metadata, locations };
}

/** The metadata document a directory describes; throws `MetadataDirectoryError` with every problem. */
export async function readMetadataDirectory(dir: string): Promise<Metadata> {
  return (await loadMetadataDirectory(dir)).metadata;
}
