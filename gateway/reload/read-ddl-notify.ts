import type { Queryable } from '../../schema/introspect/index.js';

/** The event triggers `migrations/catalog/0002_ddl_notify.sql` installs when it may. */
export const ddlTriggerNames = ['sluice_ddl_notify', 'sluice_ddl_drop_notify'] as const;

export interface DdlNotifyCapability {
  readonly available: boolean;
  /** Why not, from the migration's record in `sluice.capabilities` (when it left one). */
  readonly detail: string | null;
}

/**
 * Whether DDL sends `NOTIFY sluice_ddl`. The catalog is the truth (a superuser may have created
 * the triggers after the migration ran, or disabled them since); `sluice.capabilities` only
 * explains a missing trigger. Both must be there and enabled: without the `sql_drop` one a
 * dropped table would go unnoticed.
 */
export async function readDdlNotify(db: Queryable): Promise<DdlNotifyCapability> {
  const { rows } = await db.query<{ installed: boolean; recorded: boolean }>(
    `SELECT (SELECT count(*) FROM pg_catalog.pg_event_trigger
              WHERE evtname = ANY ($1::text[]) AND evtenabled <> 'D') = cardinality($1::text[]) AS installed,
            to_regclass('sluice.capabilities') IS NOT NULL AS recorded`,
    [ddlTriggerNames],
  );
  if (rows[0]?.installed) return { available: true, detail: null };
  if (!rows[0]?.recorded) return { available: false, detail: 'the catalog migration 0002_ddl_notify has not run' };
  const record = await db.query<{ detail: string | null }>("SELECT detail FROM sluice.capabilities WHERE name = 'ddl_notify'");
  return { available: false, detail: record.rows[0]?.detail ?? 'the event triggers were dropped or disabled' };
}
