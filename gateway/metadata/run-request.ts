/**
 * Runs one admin request — a single operation or a `bulk` — against the stored metadata.
 *
 * Operations of a request work on one in-memory document; it is saved once at the end with the
 * version it was loaded at (optimistic concurrency), then the gateway reloads. A `bulk` stops at
 * its first error; the operations before it stay in effect, because `run_sql` cannot be undone
 * once committed and the metadata must keep following the SQL that did run.
 */
import type pg from 'pg';
import { GatewayError } from '../errors/index.js';
import { syncEventTriggers, syncStoredEventTriggers } from '../events/capture/index.js';
import { tableKey, type DatabaseModel, type QualifiedName } from '../../schema/model/database-model.js';
import { findTable, toQualifiedName, withTables } from './metadata-tables.js';
import type { Metadata } from '../../schema/metadata/metadata.js';
import { findInconsistentObjects, newInconsistencies, type InconsistentObject } from './find-inconsistent-objects.js';
import { successMessage, type MetadataOperation, type OperationContext, type OperationResult } from './metadata-operation.js';
import { expectArray, expectObject, requireString } from './parse-args.js';
import type { MetadataApiOptions } from './metadata-api-options.js';

interface Session {
  metadata: Metadata;
  readonly resourceVersion: number;
  changed: boolean;
  reloadNeeded: boolean;
  model: Promise<DatabaseModel> | undefined;
}

function inconsistencyError(objects: readonly InconsistentObject[], message: string, path: string): GatewayError {
  return new GatewayError('invalid-configuration', message, { path, internal: objects });
}

async function apply(result: OperationResult, session: Session, context: OperationContext): Promise<unknown> {
  if (result.kind === 'read') return result.response;
  if (result.kind === 'reload' || result.kind === 'sql') {
    session.reloadNeeded = true;
    if (result.kind === 'sql') {
      session.model = undefined; // the SQL may have changed the schema
      if (JSON.stringify(result.metadata) !== JSON.stringify(session.metadata)) {
        session.metadata = result.metadata;
        session.changed = true;
      }
    }
    return result.response;
  }
  const model = await context.model();
  const after = findInconsistentObjects(result.metadata, model);
  if (result.check === 'new') {
    const introduced = newInconsistencies(findInconsistentObjects(session.metadata, model), after);
    if (introduced.length > 0) throw inconsistencyError(introduced, introduced[0]!.reason, context.path);
  } else if (after.length > 0 && !result.allowInconsistent) {
    throw inconsistencyError(after, after.length === 1 ? after[0]!.reason : 'cannot continue due to inconsistent metadata', context.path);
  }
  session.metadata = result.metadata;
  session.changed = true;
  return result.respond ? result.respond(after) : successMessage;
}

async function runOne(
  body: unknown,
  path: string,
  session: Session,
  registry: Readonly<Record<string, MetadataOperation>>,
  options: MetadataApiOptions,
): Promise<unknown> {
  const envelope = expectObject(body, path);
  const type = requireString(envelope, 'type', path);
  const argsPath = path === '$' ? '$.args' : `${path}.args`;
  if (type === 'bulk') {
    const items = expectArray(envelope.args ?? [], argsPath);
    const results: unknown[] = [];
    for (const [i, item] of items.entries()) results.push(await runOne(item, `${argsPath}[${i}]`, session, registry, options));
    return results;
  }
  const operation = Object.hasOwn(registry, type) ? registry[type] : undefined;
  if (!operation) throw new GatewayError('bad-request', `unknown metadata command "${type}"`, { path });
  if (options.autoTrackSchemas && !/track_table|untrack_table/.test(type)) await trackImplicitly(envelope.args, session, options);
  const context: OperationContext = {
    metadata: session.metadata,
    resourceVersion: session.resourceVersion,
    model: () => (session.model ??= options.introspect()),
    version: typeof envelope.version === 'number' ? envelope.version : 1,
    path: argsPath,
    pool: options.pool,
    eventLockTimeoutSec: options.eventLockTimeoutSec ?? 1800,
  };
  return apply(await operation(envelope.args ?? {}, context), session, context);
}

export async function runRequest(
  body: unknown,
  registry: Readonly<Record<string, MetadataOperation>>,
  options: MetadataApiOptions,
): Promise<unknown> {
  const envelope = expectObject(body, '$');
  const loaded = await options.store.load();
  const expected = envelope.resource_version;
  if (expected !== undefined && expected !== loaded.resourceVersion) {
    throw new GatewayError('conflict', `metadata resource version referenced (${String(expected)}) did not match current version`, {
      path: '$',
    });
  }
  const session: Session = { ...loaded, changed: false, reloadNeeded: false, model: undefined };
  let response: unknown;
  let failure: unknown;
  try {
    response = await runOne(envelope, '$', session, registry, options);
  } catch (error) {
    failure = error;
  }
  if (session.changed) {
    await options.store.save(session.metadata, loaded.resourceVersion, (client) => installEventTriggers(client, session, options));
  } else if (session.reloadNeeded) {
    // run_sql or reload_metadata: the database may have changed under the triggers (Hasura checks
    // its SQL triggers on reload too, graphql-engine#8376). Synced with the stored document, read
    // FOR SHARE: a save another request committed meanwhile is not undone with this one's copy.
    await reportSyncFailure(() => syncStoredEventTriggers(options.pool, () => (session.model ??= options.introspect())));
  }
  if (session.changed || session.reloadNeeded) await options.reload();
  if (failure !== undefined) throw failure;
  return response;
}

/** Postgres triggers follow the event triggers of the document about to be committed. */
function installEventTriggers(client: pg.ClientBase, session: Session, options: MetadataApiOptions): Promise<void> {
  return reportSyncFailure(() => syncEventTriggers(client, session.metadata, () => (session.model ??= options.introspect())));
}

async function reportSyncFailure(sync: () => Promise<unknown>): Promise<void> {
  try {
    await sync();
  } catch (error) {
    if (error instanceof GatewayError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new GatewayError('postgres-error', `installing the event triggers failed: ${message}`, { path: '$', cause: error });
  }
}

/**
 * An auto-tracked table (exposed without a metadata entry) gets an entry when an operation
 * configures it, so that `pg_create_select_permission` works on it as on a tracked table. So
 * does the remote table of a manual relationship, which must be tracked for the relationship.
 */
async function trackImplicitly(args: unknown, session: Session, options: MetadataApiOptions): Promise<void> {
  const remote = property(property(property(args, 'using'), 'manual_configuration'), 'remote_table');
  for (const raw of [property(args, 'table'), remote]) {
    if (typeof raw !== 'string' && (typeof raw !== 'object' || raw === null || typeof (raw as { name?: unknown }).name !== 'string')) continue;
    const name = toQualifiedName(raw as QualifiedName | string);
    if (!options.autoTrackSchemas!.includes(name.schema) || findTable(session.metadata, name)) continue;
    const model = await (session.model ??= options.introspect());
    if (!model.tables.has(tableKey(name))) continue;
    session.metadata = withTables(session.metadata, (tables) => [...tables, { table: name }]);
    session.changed = true;
  }
}

/** `value[key]` when `value` is an object that has it; otherwise undefined. */
function property(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null && key in value ? (value as Record<string, unknown>)[key] : undefined;
}
