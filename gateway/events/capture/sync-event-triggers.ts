/**
 * Makes the SQL triggers in Postgres match the event triggers in a metadata document: installs
 * missing ones, replaces changed ones, and removes those no longer in the document (Hasura
 * diff-and-patches the same way since graphql-engine#6137). Pending events of removed triggers are
 * archived, as `pg_delete_event_trigger` does in Hasura.
 *
 * Sluice's objects are found by the comment marker on their function, never by name alone, so
 * triggers anyone else made are left alone. Triggers that cannot be installed (their table is
 * gone, a column is missing) are skipped: `findInconsistentObjects` reports them.
 *
 * Runs on a client that is already inside a READ WRITE transaction (the metadata save's), so the
 * document and the triggers change together or not at all.
 */
import type pg from 'pg';
import type { DatabaseModel } from '../../../schema/model/database-model.js';
import type { Metadata } from '../../../schema/metadata/metadata.js';
import { quoteIdentifier } from '../../metadata/quote-identifier.js';
import { checkCaptureSpec, readCaptureSpecs } from './capture-spec.js';
import { captureMarker, compileCaptureStatements, type CaptureStatements } from './compile-capture-sql.js';

interface InstalledFunction {
  readonly function_name: string;
  readonly marker: string;
  /** Whether a (non-cloned) trigger of the same name calls it. */
  readonly has_trigger: boolean;
}

export interface SyncResult {
  readonly installed: readonly string[];
  readonly removed: readonly string[];
  readonly archivedEvents: number;
}

async function readInstalled(client: pg.ClientBase): Promise<InstalledFunction[]> {
  const { rows } = await client.query<InstalledFunction>(
    `SELECT p.proname AS function_name, obj_description(p.oid, 'pg_proc') AS marker,
            EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgfoid = p.oid AND t.tgname = p.proname AND NOT t.tgisinternal) AS has_trigger
       FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
      WHERE n.nspname = 'sluice' AND p.pronargs = 0 AND starts_with(obj_description(p.oid, 'pg_proc'), $1)`,
    [`${captureMarker} `],
  );
  return rows;
}

/** Drops the function and, through CASCADE, the triggers that call it (also clones on partitions). */
async function dropCapture(client: pg.ClientBase, functionName: string): Promise<void> {
  await client.query(`DROP FUNCTION IF EXISTS sluice.${quoteIdentifier(functionName)}() CASCADE`);
}

async function install(client: pg.ClientBase, statements: CaptureStatements): Promise<void> {
  await dropCapture(client, statements.functionName);
  await client.query(statements.createFunction);
  await client.query(statements.comment);
  await client.query(statements.createTrigger);
}

/** Archives pending events (and forgets the pause state) of triggers that are no longer defined. */
async function archiveOrphans(client: pg.ClientBase, names: readonly string[]): Promise<number> {
  const { rows } = await client.query<{ log: string | null; state: string | null }>(
    "SELECT to_regclass('sluice.event_log')::text AS log, to_regclass('sluice.event_trigger_state')::text AS state",
  );
  if (!rows[0]?.log) return 0; // catalog migration 0003 not applied: nothing was ever captured
  const archived = await client.query(
    `UPDATE sluice.event_log SET status = 'archived', locked_at = NULL, locked_by = NULL
      WHERE status = 'pending' AND NOT (trigger_name = ANY($1::text[]))`,
    [names],
  );
  if (rows[0].state) await client.query('DELETE FROM sluice.event_trigger_state WHERE NOT (trigger_name = ANY($1::text[]))', [names]);
  return archived.rowCount ?? 0;
}

/**
 * `model` is asked for only when the document has event triggers, so a gateway without any pays
 * one catalog query per metadata change.
 */
export async function syncEventTriggers(
  client: pg.ClientBase,
  metadata: Metadata,
  model: DatabaseModel | (() => Promise<DatabaseModel>),
): Promise<SyncResult> {
  const specs = readCaptureSpecs(metadata);
  const live = specs.length === 0 ? undefined : typeof model === 'function' ? await model() : model;
  const wanted = new Map<string, CaptureStatements>();
  for (const spec of specs) {
    if (!live || checkCaptureSpec(spec, live) !== undefined) continue;
    for (const operation of spec.operations) {
      const statements = compileCaptureStatements(spec, operation);
      wanted.set(statements.functionName, statements);
    }
  }
  const installed = await readInstalled(client);
  const removed: string[] = [];
  for (const existing of installed) {
    if (!wanted.has(existing.function_name)) {
      await dropCapture(client, existing.function_name);
      removed.push(existing.function_name);
    }
  }
  const current = new Map(installed.map((f) => [f.function_name, f]));
  const changed: string[] = [];
  for (const statements of wanted.values()) {
    const existing = current.get(statements.functionName);
    if (existing?.has_trigger && existing.marker === `${captureMarker} ${statements.hash}`) continue;
    await install(client, statements);
    changed.push(statements.functionName);
  }
  const archivedEvents = await archiveOrphans(client, specs.map((s) => s.name));
  return { installed: changed, removed, archivedEvents };
}
