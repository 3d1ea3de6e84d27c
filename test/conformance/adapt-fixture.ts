/**
 * The one change the runner makes to upstream fixture files, only when the database server
 * cannot run them as written: upstream CI's Postgres has the `en_US.utf-8` locale, and two setup
 * files run `SET lc_monetary TO "en_US.utf-8"`, which fails where the OS has only C locales.
 * The SET affects only the setup session's money formatting, and the C locale formats money the
 * same way (`$123.45`), so the statement is dropped. Case files are never changed.
 */
import { isObject, type Json } from './json-diff.js';

const LC_MONETARY = /SET\s+lc_monetary\s+TO\s+"en_US\.utf-8"\s*;/gi;

export interface FixtureAdaptations {
  readonly dropEnUsLcMonetary: boolean;
}

export function adaptFixture(body: unknown, adaptations: FixtureAdaptations): unknown {
  if (!adaptations.dropEnUsLcMonetary) return body;
  if (Array.isArray(body)) return body.map((item: unknown) => adaptFixture(item, adaptations));
  if (!isObject(body)) return body;
  if (body.type === 'run_sql' && isObject(body.args) && typeof body.args.sql === 'string') {
    return { ...body, args: { ...body.args, sql: body.args.sql.replace(LC_MONETARY, '') } };
  }
  if (body.type === 'bulk' && Array.isArray(body.args)) {
    return { ...body, args: body.args.map((item) => adaptFixture(item, adaptations) as Json) };
  }
  return body;
}
