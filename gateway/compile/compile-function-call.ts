import type { FunctionCall } from '../plan/ir.js';
import { compileParam } from './compile-bool-exp-param.js';
import { ident, join, sql, type Sql } from './sql.js';

/** `"schema"."fn"("row alias", $n, …)`: a computed field's function on the row in scope. */
export function compileFunctionCall(call: FunctionCall, alias: string): Sql {
  const args = call.arguments.map((argument) => (argument.kind === 'row' ? ident(alias) : compileParam(argument.value)));
  return sql`${ident(call.function.schema, call.function.name)}(${join(args)})`;
}
