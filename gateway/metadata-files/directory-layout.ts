/**
 * Where things live in a metadata directory (Hasura's config v3 layout, plus `sluice/`). The
 * reader and the writer both take their paths from here, so they cannot drift apart.
 */
import type { QualifiedName } from '../../schema/model/database-model.js';

export const versionFile = 'version.yaml';
export const databasesFile = 'databases/databases.yaml';
export const inheritedRolesFile = 'inherited_roles.yaml';
export const serviceKeysFile = 'sluice/service_keys.yaml';

/** The format version this Sluice reads and writes. */
export const formatVersion = 3;

/**
 * Hasura's other top-level sections, one file each. Sluice does not act on them but keeps them,
 * so that a Hasura user's directory survives an apply → export round trip.
 */
export const passThroughSections = [
  'actions',
  'allow_list',
  'api_limits',
  'backend_configs',
  'cron_triggers',
  'graphql_schema_introspection',
  'metrics_config',
  'network',
  'opentelemetry',
  'query_collections',
  'remote_schemas',
  'rest_endpoints',
] as const;

export function sectionFile(section: string): string {
  return `${section}.yaml`;
}

/** `databases/<source>/tables/tables.yaml`, as included from databases.yaml. */
export function tablesIndexInclude(source: string): string {
  return `${source}/tables/tables.yaml`;
}

export function functionsIndexInclude(source: string): string {
  return `${source}/functions/functions.yaml`;
}

/**
 * `public_album.yaml`. Names are percent-encoded where they hold anything but letters, digits,
 * `_`, `.` and `-`, so that a table called `a/b` cannot write outside the directory.
 */
export function objectFileName(name: QualifiedName): string {
  const safe = (part: string): string => part.replace(/[^A-Za-z0-9_.-]/g, (c) => encodeURIComponent(c).replace(/[!'()*]/g, (x) => `%${x.charCodeAt(0).toString(16).toUpperCase()}`));
  return `${safe(name.schema)}_${safe(name.name)}.yaml`;
}

export const includePrefix = '!include ';

/** Hasura writes includes as the string `"!include path"`. */
export function includeString(path: string): string {
  return `${includePrefix}${path}`;
}

/**
 * What `databases.yaml` says about the connection when the metadata says nothing: Sluice serves
 * the database of its own `DATABASE_URL`. Reading treats it as absent, so it round-trips.
 */
export const defaultSourceConfiguration = { connection_info: { database_url: { from_env: 'DATABASE_URL' } } };
