/**
 * The only place SQL text is made. Built on kysely's `sql` template: anything interpolated that
 * is not already a fragment becomes a `$n` parameter, identifiers pass through kysely's one
 * quoting function (which doubles `"`), and the only raw text is the constant keywords below.
 * Nothing from a request can reach SQL text through this module.
 */
import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  sql as kyselySql,
  type RawBuilder,
} from 'kysely';
import type { Param } from '../plan/ir.js';

export type Sql = RawBuilder<unknown>;

/** Template tag for SQL fragments. Interpolate only `Sql` values (or use `param`). */
export const sql = kyselySql;

/** A quoted identifier or a dotted chain of them: `ident('public', 'author')` → `"public"."author"`. */
export function ident(...parts: readonly string[]): Sql {
  return kyselySql.id(...parts);
}

/** Postgres truncates longer identifiers (NAMEDATALEN 64), which would change a column's name. */
export const maxIdentifierBytes = 63;

/** A query parameter whose value is bound per request. */
export function param(value: Param): Sql {
  return kyselySql.val(value);
}

export function join(items: readonly Sql[], separator: Sql = kyselySql`, `): Sql {
  return kyselySql.join([...items], separator);
}

const keywords = {
  ASC: 'ASC',
  DESC: 'DESC',
  FIRST: 'FIRST',
  LAST: 'LAST',
  '=': '=',
  '<>': '<>',
  '>': '>',
  '<': '<',
  '>=': '>=',
  '<=': '<=',
  LIKE: 'LIKE',
  'NOT LIKE': 'NOT LIKE',
  ILIKE: 'ILIKE',
  'NOT ILIKE': 'NOT ILIKE',
  'SIMILAR TO': 'SIMILAR TO',
  'NOT SIMILAR TO': 'NOT SIMILAR TO',
  '~': '~',
  '!~': '!~',
  '~*': '~*',
  '!~*': '!~*',
  '@>': '@>',
  '<@': '<@',
  '?': '?',
  '?|': '?|',
  '?&': '?&',
  '@': '@',
  count: 'count',
  sum: 'sum',
  avg: 'avg',
  max: 'max',
  min: 'min',
  stddev: 'stddev',
  stddev_pop: 'stddev_pop',
  stddev_samp: 'stddev_samp',
  variance: 'variance',
  var_pop: 'var_pop',
  var_samp: 'var_samp',
  bool_and: 'bool_and',
  bool_or: 'bool_or',
} as const;

export type Keyword = keyof typeof keywords;

/** A keyword, operator or function name from the fixed list above. */
export function keyword(word: Keyword): Sql {
  return kyselySql.raw(keywords[word]);
}

/** A type cast target, `"pg_catalog"."int4"` or `"pg_catalog"."int4"[]`. */
export function typeName(type: { schema: string; name: string }, array: boolean): Sql {
  return array ? kyselySql`${ident(type.schema, type.name)}[]` : ident(type.schema, type.name);
}

/**
 * SQL text and parameters of a fragment. One compiler serves every call: it is a stateless
 * kysely instance with no connection, so sharing it is safe and saves building one per plan.
 */
export function compileSql(fragment: Sql): { text: string; params: Param[] } {
  sharedCompiler ??= createSqlCompiler();
  return sharedCompiler.compile(fragment);
}

let sharedCompiler: ReturnType<typeof createSqlCompiler> | undefined;

/** A kysely instance that only compiles (it has no connection). */
export function createSqlCompiler(): { compile(fragment: Sql): { text: string; params: Param[] } } {
  const db = new Kysely<unknown>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: (k) => new PostgresIntrospector(k),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
  });
  return {
    compile(fragment) {
      const compiled = fragment.compile(db);
      return { text: compiled.sql, params: compiled.parameters as Param[] };
    },
  };
}
