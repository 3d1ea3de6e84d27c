import { compileParam } from './compile-bool-exp.js';
import { constantParam } from './constant-param.js';
import { join, sql, type Sql } from './sql.js';

/**
 * A JSON object with keys in the given order. Keys are response keys from the request, so they
 * are parameters too. `json_build_object` takes at most 100 arguments; wider objects are
 * concatenated as JSON text, which keeps key order and value types.
 */
export function compileJsonObject(entries: readonly (readonly [string, Sql])[]): Sql {
  if (entries.length <= 50) {
    return sql`json_build_object(${join(entries.map(([key, value]) => sql`${compileParam(constantParam(key, 'text'))}, ${value}`))})`;
  }
  const parts = entries.map(
    ([key, value]) => sql`to_json(${compileParam(constantParam(key, 'text'))})::text || ':' || coalesce(to_json(${value})::text, 'null')`,
  );
  return sql`('{' || ${join(parts, sql` || ',' || `)} || '}')::json`;
}

/** A response key's constant value (`__typename`). */
export function compileText(value: string): Sql {
  return compileParam(constantParam(value, 'text'));
}
