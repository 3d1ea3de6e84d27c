import type { FunctionInfo } from '../model/database-model.js';
import type { Queryable } from './introspect-database.js';

const query = `
SELECT p.oid::int AS oid, n.nspname AS schema, p.proname AS name, obj_description(p.oid, 'pg_proc') AS comment,
       p.proretset AS "returnsSet", p.provolatile AS volatility,
       json_build_object('oid', rt.oid::int, 'schema', rn.nspname, 'name', rt.typname, 'category', rt.typcategory,
                         'isTable', rt.typtype = 'c' AND rt.typrelid <> 0) AS returns,
       coalesce((SELECT json_agg(json_build_object(
                   'name', coalesce(p.proargnames[a.ordinality], ''),
                   'type', json_build_object('oid', at.oid::int, 'schema', an.nspname, 'name', at.typname, 'category', at.typcategory))
                 ORDER BY a.ordinality)
                FROM unnest(p.proargtypes::oid[]) WITH ORDINALITY AS a(type, ordinality)
                JOIN pg_type at ON at.oid = a.type JOIN pg_namespace an ON an.oid = at.typnamespace), '[]') AS args
FROM pg_proc p
JOIN pg_namespace n ON n.oid = p.pronamespace
JOIN pg_type rt ON rt.oid = p.prorettype
JOIN pg_namespace rn ON rn.oid = rt.typnamespace
WHERE p.prokind = 'f'
  AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'sluice', 'hdb_catalog')
  AND n.nspname NOT LIKE 'pg\\_%'
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')`;

/**
 * The user functions of the database (not those of extensions), for computed fields. A
 * separate round trip from the table catalog: databases with many functions pay it once per
 * reload, and only functions are read, not their bodies.
 */
export async function introspectFunctions(db: Queryable): Promise<FunctionInfo[]> {
  const { rows } = await db.query<FunctionInfo & Record<string, unknown>>(query);
  return rows;
}
