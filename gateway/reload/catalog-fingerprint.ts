/**
 * What the reload listener polls when it cannot be told about changes: the metadata's resource
 * version, and a fingerprint of the parts of the system catalog that introspection reads.
 */
import type { Queryable } from '../../schema/introspect/index.js';

/**
 * For each catalog that introspection reads (relations, columns, constraints, functions, types,
 * enum labels, comments), the row count and the sum of the rows' `xmin` in every schema but the
 * system ones and Sluice's and Hasura's catalogs — the same schemas introspection reads.
 *
 * Catalog DDL inserts, deletes or rewrites rows, and a rewritten row gets the xmin of the
 * transaction that wrote it, so any committed change moves a count or a sum. `xmin` survives
 * freezing (kept since PostgreSQL 9.4), and the updates Postgres makes in place (statistics such
 * as reltuples, relhasindex) are exactly the ones that do not matter here. Cheap: sums over
 * indexed catalog rows, no text building, one round trip.
 */
const FINGERPRINT_SQL = `
WITH ns AS (
  SELECT n.oid, n.xmin FROM pg_catalog.pg_namespace n
  WHERE n.nspname <> ALL (ARRAY['pg_catalog', 'information_schema', 'sluice', 'hdb_catalog'])
    AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'
),
rel AS (
  SELECT c.oid, c.xmin FROM pg_catalog.pg_class c JOIN ns ON ns.oid = c.relnamespace
),
part(name, n, s) AS (
  SELECT 'ns', count(*), sum(xmin::text::int8) FROM ns
  UNION ALL SELECT 'rel', count(*), sum(xmin::text::int8) FROM rel
  UNION ALL SELECT 'att', count(*), sum(a.xmin::text::int8)
    FROM pg_catalog.pg_attribute a JOIN rel ON rel.oid = a.attrelid
  UNION ALL SELECT 'con', count(*), sum(k.xmin::text::int8)
    FROM pg_catalog.pg_constraint k JOIN ns ON ns.oid = k.connamespace
  UNION ALL SELECT 'fn', count(*), sum(p.xmin::text::int8)
    FROM pg_catalog.pg_proc p JOIN ns ON ns.oid = p.pronamespace
  UNION ALL SELECT 'typ', count(*), sum(t.xmin::text::int8)
    FROM pg_catalog.pg_type t JOIN ns ON ns.oid = t.typnamespace
  UNION ALL SELECT 'enum', count(*), sum(e.xmin::text::int8)
    FROM pg_catalog.pg_enum e JOIN pg_catalog.pg_type t ON t.oid = e.enumtypid JOIN ns ON ns.oid = t.typnamespace
  UNION ALL SELECT 'doc', count(*), sum(d.xmin::text::int8)
    FROM pg_catalog.pg_description d JOIN rel ON rel.oid = d.objoid AND d.classoid = 'pg_catalog.pg_class'::regclass
)
SELECT string_agg(name || '=' || n || '/' || coalesce(s, 0), ' ' ORDER BY name) AS fingerprint FROM part`;

export async function readCatalogFingerprint(db: Queryable): Promise<string> {
  const { rows } = await db.query<{ fingerprint: string }>(FINGERPRINT_SQL);
  return rows[0]?.fingerprint ?? '';
}

/** The stored metadata's resource version (bumped by every save, as the NOTIFY payload is). */
export async function readMetadataVersion(db: Queryable): Promise<number | undefined> {
  const { rows } = await db.query<{ resource_version: number }>('SELECT resource_version FROM sluice.metadata WHERE id = 1');
  return rows[0]?.resource_version;
}
