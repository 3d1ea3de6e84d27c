import type { BoolExp, MutationOutput, NestedInsert, OnConflict, Param, ParamSource, QualifiedNameLike, UpdateStep } from './mutation-types.js';
import { compileBoolExp, compileParam } from './compile-bool-exp.js';
import type { CompileContext } from './compile-context.js';
import { compileMutationOutput } from './compile-mutation-output.js';
import { compileText } from './compile-json-object.js';
import { ident, join, sql, typeName, type Sql } from './sql.js';

const cte = '_m';

function table(name: QualifiedNameLike): Sql {
  return ident(name.schema, name.name);
}

function jsonParam(source: ParamSource, path: string): Param {
  return { kind: 'param', source, pgType: { schema: 'pg_catalog', name: 'jsonb' }, array: false, encoding: 'json', path };
}

function compileOnConflict(onConflict: OnConflict | null, target: string, context: CompileContext): Sql {
  if (!onConflict) return sql``;
  const conflictTarget = onConflict.constraint.byIndex
    ? sql`(${join(onConflict.constraint.columns.map((c) => ident(c)))})`
    : sql`ON CONSTRAINT ${ident(onConflict.constraint.name)}`;
  if (onConflict.updateColumns.length === 0) return sql` ON CONFLICT ${conflictTarget} DO NOTHING`;
  const set = join(onConflict.updateColumns.map((c) => sql`${ident(c)} = EXCLUDED.${ident(c)}`));
  const where = onConflict.where ? sql` WHERE ${compileBoolExp(onConflict.where, { alias: target }, context)}` : sql``;
  return sql` ON CONFLICT ${conflictTarget} DO UPDATE SET ${set}${where}`;
}

/** A flat insert whose rows all set the same columns: one JSON parameter, whatever the batch size. */
export function isUniformInsert(insert: NestedInsert): boolean {
  const first = insert.rows[0];
  if (!first) return true;
  const key = (row: NestedInsert['rows'][number]) => row.columns.map((c) => c.column).sort().join('\u0000');
  const firstKey = key(first);
  return insert.rows.every((row) => row.objectRelationships.length === 0 && row.arrayRelationships.length === 0 && key(row) === firstKey && row.columns.length > 0);
}

/**
 * `INSERT … SELECT … FROM jsonb_populate_recordset(NULL::t, $1)`: the rows travel as one JSON
 * value, so a batch of any size is one statement with one parameter and one prepared plan.
 */
function compileUniformRows(insert: NestedInsert, path: string): { columns: Sql; source: Sql } {
  // No rows at all still needs one column to name: any column, over an empty document.
  const columns = insert.rows[0]?.columns.map((c) => c.column) ?? [[...insert.columnTypes.keys()][0]!];
  const rows: ParamSource = {
    kind: 'list',
    // jsonb values stay JSON inside the rows document; everything else is read by the column type's input function.
    items: insert.rows.map((row) => ({ kind: 'object', fields: row.columns.map((c) => [c.column, c.value.source] as const) })),
  };
  const list = join(columns.map((c) => ident(c)));
  return {
    columns: list,
    source: sql` SELECT ${join(columns.map((c) => ident('_rows', c)))} FROM jsonb_populate_recordset(NULL::${table(insert.table)}, ${compileParam(jsonParam(rows, path))}) AS ${ident('_rows')}`,
  };
}

/** `VALUES (…), (…)` with `DEFAULT` where a row does not set a column. */
function compileValuesRows(insert: NestedInsert, runtimeColumns: readonly string[] = []): { columns: Sql; source: Sql } {
  const names: string[] = [];
  for (const row of insert.rows) for (const c of row.columns) if (!names.includes(c.column)) names.push(c.column);
  for (const c of runtimeColumns) if (!names.includes(c)) names.push(c);
  if (names.length === 0) {
    const firstColumn = [...insert.columnTypes.keys()][0]!;
    return { columns: ident(firstColumn), source: sql` VALUES ${join(insert.rows.map(() => sql`(DEFAULT)`))}` };
  }
  const cast = (column: string, value: Param): Sql => {
    const type = insert.columnTypes.get(column);
    return type ? sql`(${compileParam({ ...value, pgType: null })})::${typeName(type, type.array)}` : compileParam(value);
  };
  const rows = insert.rows.map((row) =>
    sql`(${join(
      names.map((name) => {
        const cell = row.columns.find((c) => c.column === name);
        if (cell) return cast(name, cell.value);
        if (runtimeColumns.includes(name)) return cast(name, { kind: 'param', source: { kind: 'runtime', name }, pgType: null, array: false, encoding: 'plain', path: '$' });
        return sql`DEFAULT`;
      }),
    )})`,
  );
  return { columns: join(names.map((n) => ident(n))), source: sql` VALUES ${join(rows)}` };
}

/** A whole flat insert with its answer, as one statement. */
export function compileInsertStatement(insert: NestedInsert, output: MutationOutput, path: string, context: CompileContext): Sql {
  const target = context.nextAlias();
  const { columns, source } = isUniformInsert(insert) ? compileUniformRows(insert, path) : compileValuesRows(insert);
  const conflict = compileOnConflict(insert.onConflict, target, context);
  const dml = sql`INSERT INTO ${table(insert.table)} AS ${ident(target)} (${columns})${source}${conflict} RETURNING ${ident(target)}.*${checkColumn(insert.check, target, context)}`;
  return withOutput(dml, output, context, insert.check !== null);
}

/** One row of a nested insert: its own values plus foreign keys known only at run time. */
export function compileInsertRowStatement(insert: NestedInsert, rowIndex: number, runtimeColumns: readonly string[], context: CompileContext): Sql {
  const target = context.nextAlias();
  const single: NestedInsert = { ...insert, rows: [insert.rows[rowIndex]!] };
  const { columns, source } = compileValuesRows(single, runtimeColumns);
  const conflict = compileOnConflict(insert.onConflict, target, context);
  const check = insert.check ? compileBoolExp(insert.check, { alias: target }, context) : sql`true`;
  return sql`INSERT INTO ${table(insert.table)} AS ${ident(target)} (${columns})${source}${conflict} RETURNING row_to_json(${ident(target)})::text, ${check}`;
}

/**
 * The answer of a nested insert, over the rows its statements returned (as one JSON array,
 * in insertion order). Works for views and tables without a key; relationships are read
 * after all nested rows were written, so they include them.
 */
export function compileReturnedRowsOutput(name: QualifiedNameLike, output: MutationOutput, context: CompileContext): Sql {
  const returned: Param = { kind: 'param', source: { kind: 'runtime', name: 'rows' }, pgType: { schema: 'pg_catalog', name: 'jsonb' }, array: false, encoding: 'plain', path: '$' };
  const rows = sql`ROWS FROM (jsonb_populate_recordset(NULL::${table(name)}, ${compileParam(returned)}))`;
  const affected: Param = { kind: 'param', source: { kind: 'runtime', name: 'affected_rows' }, pgType: { schema: 'pg_catalog', name: 'int4' }, array: false, encoding: 'plain', path: '$' };
  return sql`SELECT (${compileMutationOutput(output, rows, compileParam(affected), context)})::text, true`;
}

function setItem(operation: UpdateStep['operations'][number], target: string): Sql {
  const column = ident(operation.column);
  const current = ident(target, operation.column);
  const value = compileParam(operation.value);
  switch (operation.kind) {
    case '_set':
      return sql`${column} = ${value}`;
    case '_inc':
      return sql`${column} = ${current} + ${value}`;
    case '_append':
      return sql`${column} = ${current} || ${value}`;
    case '_prepend':
      return sql`${column} = ${value} || ${current}`;
    case '_delete_key':
    case '_delete_elem':
      return sql`${column} = ${current} - ${value}`;
    case '_delete_at_path':
      return sql`${column} = ${current} #- ${value}`;
  }
}

/**
 * An update or delete whose answer follows relationships: the statement returns the written
 * rows as JSON (with the check result and count), and a second statement answers over them, so
 * related rows are seen as they are after the write (as Hasura does with a separate select).
 */
export function compileWrittenRows(dml: Sql, hasCheck: boolean): Sql {
  const rows = ident(cte);
  const passed = hasCheck ? sql`(SELECT coalesce(bool_and(${ident(checkName)}), true) FROM ${rows})` : sql`true`;
  return sql`WITH ${rows} AS (${dml}) SELECT (SELECT coalesce(jsonb_agg(to_jsonb(${rows}) - ${compileText(checkName)}), '[]'::jsonb) FROM ${rows})::text, ${passed}, (SELECT count(*) FROM ${rows})::int`;
}

export function compileUpdateDml(step: UpdateStep, context: CompileContext): Sql | null {
  if (step.operations.length === 0) return null;
  const target = context.nextAlias();
  const set = join(step.operations.map((op) => setItem(op, target)));
  const where = compileBoolExp(step.where, { alias: target }, context);
  return sql`UPDATE ${table(step.table)} AS ${ident(target)} SET ${set} WHERE ${where} RETURNING ${ident(target)}.*${checkColumn(step.check, target, context)}`;
}

export function compileDeleteDml(name: QualifiedNameLike, whereExp: BoolExp, context: CompileContext): Sql {
  const target = context.nextAlias();
  return sql`DELETE FROM ${table(name)} AS ${ident(target)} WHERE ${compileBoolExp(whereExp, { alias: target }, context)} RETURNING ${ident(target)}.*`;
}

/** `UPDATE … SET … WHERE … RETURNING *` and its answer, as one statement. */
export function compileUpdateStatement(step: UpdateStep, output: MutationOutput, context: CompileContext): Sql {
  const target = context.nextAlias();
  if (step.operations.length === 0) {
    // Nothing to set (an empty `_set`, no preset): nothing is written, so nothing comes back, as
    // Hasura answers it: affected_rows 0 and returning [] (and null for `_by_pk`, where Hasura
    // gives an empty object, which is not a valid answer to the fields asked for).
    return withOutput(sql`SELECT ${ident(target)}.* FROM ${table(step.table)} AS ${ident(target)} WHERE false`, output, context);
  }
  const set = join(step.operations.map((op) => setItem(op, target)));
  const where = compileBoolExp(step.where, { alias: target }, context);
  const returning = sql`RETURNING ${ident(target)}.*${checkColumn(step.check, target, context)}`;
  return withOutput(sql`UPDATE ${table(step.table)} AS ${ident(target)} SET ${set} WHERE ${where} ${returning}`, output, context, step.check !== null);
}

export function compileDeleteStatement(name: QualifiedNameLike, whereExp: BoolExp, output: MutationOutput, context: CompileContext): Sql {
  const target = context.nextAlias();
  const where = compileBoolExp(whereExp, { alias: target }, context);
  return withOutput(sql`DELETE FROM ${table(name)} AS ${ident(target)} WHERE ${where} RETURNING ${ident(target)}.*`, output, context);
}

/** The permission check of each written row, returned beside it (Hasura's `check__constraint`). */
function checkColumn(check: BoolExp | null, target: string, context: CompileContext): Sql {
  return check ? sql`, ${compileBoolExp(check, { alias: target }, context)} AS ${ident(checkName)}` : sql``;
}

const checkName = '__sluice_check';

/**
 * The statement's single row: the answer as JSON text, and whether every written row passed
 * the permission check (the executor raises `permission-error` and rolls back when not).
 */
function withOutput(dml: Sql, output: MutationOutput, context: CompileContext, hasCheck = false): Sql {
  const rows = ident(cte);
  const affected = sql`(SELECT count(*) FROM ${rows})::int`;
  const passed = hasCheck ? sql`(SELECT coalesce(bool_and(${ident(checkName)}), true) FROM ${rows})` : sql`true`;
  return sql`WITH ${rows} AS (${dml}) SELECT (${compileMutationOutput(output, rows, affected, context)})::text, ${passed}`;
}
