import type { MutationOutput } from '../plan/ir.js';
import type { CompileContext } from './compile-context.js';
import { compileRowJson } from './compile-fields.js';
import { compileJsonObject, compileText } from './compile-json-object.js';
import { ident, sql, type Sql } from './sql.js';
import { compileBoolExp } from './compile-bool-exp.js';

/**
 * The answer of a mutation field over the rows it wrote (a CTE or row set named `rows`):
 * `{affected_rows, returning}` or the single row. Selections through relationships see the
 * database as it was before the statement, plus these rows.
 */
export function compileMutationOutput(output: MutationOutput, rows: Sql, affectedRows: Sql, context: CompileContext): Sql {
  // Only rows the role may read come back (its select filter), whatever it was allowed to write.
  const readable = (alias: string) => (output.filter ? sql` WHERE ${compileBoolExp(output.filter, { alias }, context)}` : sql``);
  if (output.kind === 'one') {
    const alias = context.nextAlias();
    const row = compileRowJson(output.fields, alias, context);
    return sql`(SELECT ${row.object} FROM ${rows} AS ${ident(alias)}${row.lateral}${readable(alias)} LIMIT 1)`;
  }
  return compileJsonObject(
    output.fields.map((field) => {
      switch (field.kind) {
        case 'typename':
          return [field.alias, compileText(field.typename)] as const;
        case 'affected_rows':
          return [field.alias, affectedRows] as const;
        case 'returning': {
          const alias = context.nextAlias();
          const row = compileRowJson(field.fields, alias, context);
          return [field.alias, sql`(SELECT coalesce(json_agg(${row.element}), '[]'::json) FROM ${rows} AS ${ident(alias)}${row.lateral}${readable(alias)})`] as const;
        }
      }
    }),
  );
}
