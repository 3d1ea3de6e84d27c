/**
 * The one catalog read behind `introspectDatabase`. A single statement, so every part sees the
 * same catalog snapshot (a type cannot vanish between "read columns" and "read types") and a
 * schema reload costs one round trip. Only catalog columns that exist on PostgreSQL 14 are used.
 *
 * `$1` is the list of schemas to read, or NULL for every schema but the system ones and Sluice's
 * and Hasura's own catalogs.
 */
const CATALOG_SQL = `
WITH RECURSIVE
relation AS (
  SELECT c.oid, n.nspname AS schema, c.relname AS name, c.relkind,
    -- Whether to ask pg_relation_is_updatable: tables always allow everything, and for a foreign
    -- table whose wrapper has no handler the question raises an error instead of answering.
    CASE WHEN c.relkind IN ('r', 'p') THEN 'always'
      WHEN c.relkind = 'v' OR (c.relkind = 'f' AND EXISTS (SELECT FROM pg_catalog.pg_foreign_table ft
        JOIN pg_catalog.pg_foreign_server fs ON fs.oid = ft.ftserver
        JOIN pg_catalog.pg_foreign_data_wrapper w ON w.oid = fs.srvfdw
        WHERE ft.ftrelid = c.oid AND w.fdwhandler <> 0)) THEN 'ask'
      ELSE 'never' END AS writable
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
    AND NOT c.relispartition
    AND CASE WHEN $1::text[] IS NULL
      THEN n.nspname <> ALL (ARRAY['pg_catalog', 'information_schema', 'sluice', 'hdb_catalog'])
        AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'
      ELSE n.nspname = ANY ($1::text[]) END
),
attribute AS (
  SELECT a.attrelid, a.attnum, a.atttypid, a.atttypmod, json_build_object(
    'name', a.attname,
    'position', a.attnum,
    'typeOid', a.atttypid::int8,
    'typmod', a.atttypmod,
    'dimensions', a.attndims,
    'notNull', a.attnotnull,
    -- Identity columns have no pg_attrdef row; spell out the nextval() Postgres runs for them.
    -- A generated column's pg_attrdef row is its expression, not a default.
    'defaultExpression', CASE
      WHEN a.attgenerated <> '' THEN NULL
      WHEN a.attidentity <> '' THEN format('nextval(%L::regclass)',
        pg_catalog.pg_get_serial_sequence(format('%I.%I', r.schema, r.name), a.attname))
      ELSE pg_catalog.pg_get_expr(d.adbin, d.adrelid) END,
    'identity', a.attidentity,
    'generated', a.attgenerated,
    'comment', ds.description,
    'autoUpdatable', CASE r.writable WHEN 'always' THEN true
      WHEN 'ask' THEN pg_catalog.pg_column_is_updatable(a.attrelid, a.attnum, false) ELSE false END
  ) AS info
  FROM relation r
  JOIN pg_catalog.pg_attribute a ON a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped
  LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
  -- Joined rather than col_description(), which runs a query per column.
  LEFT JOIN pg_catalog.pg_description ds ON ds.objoid = a.attrelid
    AND ds.classoid = 'pg_catalog.pg_class'::regclass AND ds.objsubid = a.attnum
),
unique_key AS (
  SELECT i.indrelid, json_build_object(
    'name', coalesce(con.conname, ic.relname),
    'primary', i.indisprimary,
    'constraint', con.oid IS NOT NULL,
    -- Only the first indnkeyatts columns are the key; the rest are INCLUDE columns.
    'columns', (SELECT json_agg(a.attname ORDER BY k.ord)
      FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
      JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
      WHERE k.ord <= i.indnkeyatts)
  ) AS info, i.indisprimary, coalesce(con.conname, ic.relname) AS name
  FROM relation r
  JOIN pg_catalog.pg_index i ON i.indrelid = r.oid
  JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
  LEFT JOIN pg_catalog.pg_constraint con
    ON con.conindid = i.indexrelid AND con.conrelid = i.indrelid AND con.contype IN ('p', 'u')
  -- ON CONFLICT can only infer valid, immediate, non-partial column indexes as arbiters.
  WHERE i.indisunique AND (i.indisprimary OR (i.indisvalid AND i.indimmediate
    AND i.indpred IS NULL AND i.indexprs IS NULL))
),
foreign_key AS (
  SELECT con.conrelid, con.conname AS name, json_build_object(
    'name', con.conname,
    'referencedSchema', fn.nspname,
    'referencedName', fc.relname,
    'pairs', (SELECT json_agg(json_build_array(a.attname, fa.attname) ORDER BY k.ord)
      FROM unnest(con.conkey, con.confkey) WITH ORDINALITY AS k(attnum, fattnum, ord)
      JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
      JOIN pg_catalog.pg_attribute fa ON fa.attrelid = con.confrelid AND fa.attnum = k.fattnum)
  ) AS info
  FROM relation r
  JOIN pg_catalog.pg_constraint con ON con.conrelid = r.oid AND con.contype = 'f'
  JOIN pg_catalog.pg_class fc ON fc.oid = con.confrelid
  JOIN pg_catalog.pg_namespace fn ON fn.oid = fc.relnamespace
  -- A foreign key to a partitioned table gets hidden clones pointing at each partition.
  WHERE con.conparentid = 0
),
type_use(oid, typmod) AS (
  SELECT DISTINCT atttypid, atttypmod FROM attribute
  UNION
  -- Domains first: a domain over an array also has typelem set.
  SELECT CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.typelem END,
    CASE WHEN t.typtype = 'd' THEN t.typtypmod ELSE u.typmod END
  FROM type_use u
  JOIN pg_catalog.pg_type t ON t.oid = u.oid
  WHERE t.typtype = 'd' OR (t.typtype = 'b' AND t.typelem <> 0 AND t.typlen = -1)
)
SELECT
  current_setting('server_version_num')::int AS "serverVersion",
  (SELECT coalesce(json_agg(json_build_object(
    'oid', r.oid::int8,
    'schema', r.schema,
    'name', r.name,
    'relkind', r.relkind,
    'comment', ds.description,
    -- Bits 1 << CMD_UPDATE (4), 1 << CMD_INSERT (8), 1 << CMD_DELETE (16).
    'events', CASE r.writable WHEN 'always' THEN 28
      WHEN 'ask' THEN pg_catalog.pg_relation_is_updatable(r.oid, true) ELSE 0 END,
    'autoEvents', CASE r.writable WHEN 'always' THEN 28
      WHEN 'ask' THEN pg_catalog.pg_relation_is_updatable(r.oid, false) ELSE 0 END,
    'columns', coalesce(c.list, '[]'),
    'uniqueKeys', coalesce(uk.list, '[]'),
    'foreignKeys', coalesce(fk.list, '[]')
  ) ORDER BY r.schema, r.name), '[]')
  -- Grouped joins rather than correlated subqueries: linear in the size of the catalog.
  FROM relation r
  LEFT JOIN pg_catalog.pg_description ds ON ds.objoid = r.oid
    AND ds.classoid = 'pg_catalog.pg_class'::regclass AND ds.objsubid = 0
  LEFT JOIN (SELECT attrelid, json_agg(info ORDER BY attnum) AS list
    FROM attribute GROUP BY attrelid) c ON c.attrelid = r.oid
  LEFT JOIN (SELECT indrelid, json_agg(info ORDER BY indisprimary DESC, name) AS list
    FROM unique_key GROUP BY indrelid) uk ON uk.indrelid = r.oid
  LEFT JOIN (SELECT conrelid, json_agg(info ORDER BY name) AS list
    FROM foreign_key GROUP BY conrelid) fk ON fk.conrelid = r.oid) AS relations,
  (SELECT coalesce(json_agg(json_build_object(
    'oid', t.oid::int8,
    'typmod', u.typmod,
    'schema', n.nspname,
    'name', t.typname,
    'typtype', t.typtype,
    'isArray', t.typtype = 'b' AND t.typelem <> 0 AND t.typlen = -1,
    'category', t.typcategory,
    'elementOid', CASE WHEN t.typtype = 'd' THEN t.typbasetype::int8
      WHEN t.typtype = 'b' AND t.typelem <> 0 AND t.typlen = -1 THEN t.typelem::int8 END,
    'elementTypmod', CASE WHEN t.typtype = 'd' THEN t.typtypmod
      WHEN t.typtype = 'b' AND t.typelem <> 0 AND t.typlen = -1 THEN u.typmod END,
    'enumValues', CASE WHEN t.typtype = 'e' THEN coalesce((SELECT json_agg(e.enumlabel
      ORDER BY e.enumsortorder) FROM pg_catalog.pg_enum e WHERE e.enumtypid = t.oid), '[]') END,
    'displayName', pg_catalog.format_type(t.oid, u.typmod)
  )), '[]')
  FROM type_use u
  JOIN pg_catalog.pg_type t ON t.oid = u.oid
  JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace) AS types
`;

/** The catalog statement and its parameters; `schemas` undefined means every user schema. */
export function catalogQuery(schemas?: readonly string[]): { text: string; values: unknown[] } {
  return { text: CATALOG_SQL, values: [schemas === undefined ? null : [...schemas]] };
}
