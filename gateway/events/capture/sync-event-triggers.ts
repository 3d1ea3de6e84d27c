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
 * document and the triggers change together or not at all. It first takes a transaction-level
 * advisory lock, so that concurrent syncs (a metadata save, `sluice metadata apply`, several
 * instances starting at once) replace functions and triggers one after the other instead of
 * failing on each other's DDL ("tuple concurrently updated").
 */
import type pg from 'pg';
import type { DatabaseModel } from '../../../schema/model/database-model.js';
import type { Metadata } from '../../../schema/metadata/metadata.js';
import { quoteIdentifier } from '../../metadata/quote-identifier.js';
import { inWriteTransaction } from '../in-write-transaction.js';
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

/** Any constant works as long as every Sluice uses the same one ("sluice" + 2 in ASCII). */
export const syncLockKey = '126930286814055';

type Queryable = Pick<pg.ClientBase, 'query'>;

async function readInstalled(client: Queryable): Promise<InstalledFunction[]> {
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

/** Only the tables are read: whether a trigger can be installed. */
type LiveModel = Pick<DatabaseModel, 'tables'>;

/** The capture objects the document asks for, by function name. */
function wantedStatements(metadata: Metadata, live: LiveModel | undefined): Map<string, CaptureStatements> {
  const wanted = new Map<string, CaptureStatements>();
  for (const spec of readCaptureSpecs(metadata)) {
    if (!live || checkCaptureSpec(spec, live) !== undefined) continue;
    for (const operation of spec.operations) {
      const statements = compileCaptureStatements(spec, operation);
      wanted.set(statements.functionName, statements);
    }
  }
  return wanted;
}

const isCurrent = (existing: InstalledFunction | undefined, statements: CaptureStatements) =>
  existing !== undefined && existing.has_trigger && existing.marker === `${captureMarker} ${statements.hash}`;

/**
 * Whether the installed capture objects are exactly what `metadata` asks for: one catalog query,
 * no lock, no write. A gateway calls it whenever its schema changes and syncs only when it says no.
 */
export async function eventTriggersInSync(db: Queryable, metadata: Metadata, model: LiveModel): Promise<boolean> {
  const wanted = wantedStatements(metadata, model);
  const installed = await readInstalled(db);
  if (installed.length !== wanted.size) return false;
  const current = new Map(installed.map((f) => [f.function_name, f]));
  return [...wanted.values()].every((statements) => isCurrent(current.get(statements.functionName), statements));
}

/**
 * `model` is asked for only when the document has event triggers, so a gateway without any pays
 * one catalog query per metadata change.
 */
export async function syncEventTriggers(
  client: pg.ClientBase,
  metadata: Metadata,
  model: LiveModel | (() => Promise<LiveModel>),
): Promise<SyncResult> {
  await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [syncLockKey]);
  const specs = readCaptureSpecs(metadata);
  const live = specs.length === 0 ? undefined : typeof model === 'function' ? await model() : model;
  const wanted = wantedStatements(metadata, live);
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
    if (isCurrent(current.get(statements.functionName), statements)) continue;
    await install(client, statements);
    changed.push(statements.functionName);
  }
  const archivedEvents = await archiveOrphans(client, specs.map((s) => s.name));
  return { installed: changed, removed, archivedEvents };
}

/**
 * Syncs the triggers with the metadata document stored in the database, read in the same
 * transaction with `FOR SHARE`: a metadata save in progress is waited for, and one that starts
 * later waits for this sync, so a gateway that loaded an older document can never put its
 * triggers back over a newer one. (The row lock is taken before the advisory lock, in the same
 * order as a save — row, then lock — so the two cannot deadlock.)
 */
export async function syncStoredEventTriggers(pool: pg.Pool, model: LiveModel | (() => Promise<LiveModel>)): Promise<SyncResult> {
  return inWriteTransaction(pool, async (client) => {
    const { rows } = await client.query<{ metadata: Metadata }>('SELECT metadata FROM sluice.metadata WHERE id = 1 FOR SHARE');
    const stored = rows[0]?.metadata;
    if (!stored) return { installed: [], removed: [], archivedEvents: 0 };
    return syncEventTriggers(client, stored, model);
  });
}
