import type pg from 'pg';
import type { Admission } from '../admission/index.js';
import { GatewayError, mapPostgresError } from '../errors/index.js';
import type { MutationField, MutationPlan, NestedInsert } from '../plan/ir.js';
import type { Variables } from '../plan/index.js';
import { createCompileContext } from '../compile/compile-context.js';
import {
  compileDeleteDml,
  compileDeleteStatement,
  compileInsertRowStatement,
  compileInsertStatement,
  compileReturnedRowsOutput,
  compileUpdateDml,
  compileUpdateStatement,
  compileWrittenRows,
} from '../compile/compile-mutation.js';
import type { Field, MutationOutput } from '../plan/ir.js';
import { holdWritesUntilNextTick } from '../database/index.js';
import { bindParams, type RuntimeValues, type SessionVariables } from './bind-params.js';
import { compileStatement, type CompiledStatement } from './compiled-statement.js';

/** A mutation plan with its statements, compiled once and reused for every request of its shape. */
export class CompiledMutation {
  private readonly statements = new Map<unknown, CompiledStatement>();
  private readonly rowStatements = new WeakMap<NestedInsert, Map<string, CompiledStatement>>();

  constructor(readonly plan: MutationPlan) {}

  /**
   * A statement of a root field: `main` writes and answers in one statement, `rows` writes and
   * returns the written rows, `output` answers over rows returned earlier.
   */
  statement(field: MutationField, step = 0, part: 'main' | 'rows' | 'output' = 'main'): CompiledStatement {
    const key = `${field.alias}\u0000${step}\u0000${part}`;
    let compiled = this.statements.get(key);
    if (!compiled) {
      const context = createCompileContext();
      if (part !== 'main') {
        compiled = compileStatement(this.compilePart(field, step, part, context));
        this.statements.set(key, compiled);
        return compiled;
      }
      switch (field.kind) {
        case 'insert':
          compiled = compileStatement(compileInsertStatement(field.insert, field.output, field.path, context));
          break;
        case 'update':
          compiled = compileStatement(compileUpdateStatement(field.update, field.output, context));
          break;
        case 'update_many':
          compiled = compileStatement(compileUpdateStatement(field.updates[step]!, field.output, context));
          break;
        case 'delete':
          compiled = compileStatement(compileDeleteStatement(field.table, field.where, field.output, context));
          break;
        case 'typename':
          throw new Error('__typename has no statement');
      }
      this.statements.set(key, compiled);
    }
    return compiled;
  }

  private compilePart(field: MutationField, step: number, part: 'rows' | 'output', context: ReturnType<typeof createCompileContext>) {
    switch (field.kind) {
      case 'insert':
        return compileReturnedRowsOutput(field.insert.table, field.output, context);
      case 'update':
      case 'update_many': {
        const update = field.kind === 'update' ? field.update : field.updates[step]!;
        return part === 'rows' ? compileWrittenRows(compileUpdateDml(update, context)!, update.check !== null) : compileReturnedRowsOutput(update.table, field.output, context);
      }
      case 'delete':
        return part === 'rows' ? compileWrittenRows(compileDeleteDml(field.table, field.where, context), false) : compileReturnedRowsOutput(field.table, field.output, context);
      case 'typename':
        throw new Error('__typename has no statement');
    }
  }

  /** The statement inserting one row of a nested insert, given which keys come from its parents. */
  rowStatement(insert: NestedInsert, rowIndex: number, runtimeColumns: readonly string[]): CompiledStatement {
    let byRow = this.rowStatements.get(insert);
    if (!byRow) {
      byRow = new Map();
      this.rowStatements.set(insert, byRow);
    }
    const key = `${rowIndex}\u0000${runtimeColumns.join('\u0000')}`;
    let compiled = byRow.get(key);
    if (!compiled) {
      compiled = compileStatement(compileInsertRowStatement(insert, rowIndex, runtimeColumns, createCompileContext()));
      byRow.set(key, compiled);
    }
    return compiled;
  }
}

export function hasNestedRows(insert: NestedInsert): boolean {
  return insert.rows.some((row) => row.objectRelationships.length > 0 || row.arrayRelationships.length > 0);
}

function followsRelationships(fields: readonly Field[]): boolean {
  return fields.some((f) => f.kind !== 'column' && f.kind !== 'typename');
}

/**
 * Whether the answer reads related rows. In one statement they would be seen as before the
 * write; then the rows are written first and the answer is a second statement.
 */
export function needsFollowUp(output: MutationOutput): boolean {
  if (output.kind === 'one') return followsRelationships(output.fields);
  return output.fields.some((f) => f.kind === 'returning' && followsRelationships(f.fields));
}

interface Execution {
  readonly client: pg.PoolClient;
  readonly mutation: CompiledMutation;
  readonly variables: Variables;
  readonly session: SessionVariables;
  readonly path: string;
}

/**
 * Runs one statement. Its rows are `[json text, passed check]`; a failed permission check
 * raises Hasura's `permission-error`, and the caller rolls the whole request back.
 */
async function run(execution: Execution, statement: CompiledStatement, runtime: RuntimeValues = {}): Promise<(string | null)[][]> {
  const values = bindParams(statement.params, execution.variables, execution.session, runtime);
  let rows: unknown[][];
  try {
    const result = await execution.client.query<unknown[]>({ name: statement.name, text: statement.text, values, rowMode: 'array' });
    rows = result.rows;
  } catch (error) {
    throw mapPostgresError(error, execution.path);
  }
  if (rows.some((row) => row[1] === false)) {
    throw new GatewayError('permission-error', 'check constraint of an insert/update permission has failed', { path: execution.path });
  }
  return rows as (string | null)[][];
}

interface Inserted {
  /** Rows as Postgres returned them (JSON text, so no number loses precision on the way back). */
  readonly texts: string[];
  readonly rows: Record<string, unknown>[];
  affected: number;
}

/**
 * A nested insert, row by row (Hasura does the same): object-relationship parents first, their
 * keys copied in, then the row, then array-relationship children with the foreign key filled.
 */
async function insertNested(execution: Execution, insert: NestedInsert, fromParent: Record<string, unknown>): Promise<Inserted> {
  const inserted: Inserted = { texts: [], rows: [], affected: 0 };
  for (const [index, row] of insert.rows.entries()) {
    const keys: Record<string, unknown> = { ...fromParent };
    for (const relationship of row.objectRelationships) {
      const parent = await insertNested(execution, relationship.insert, {});
      inserted.affected += parent.affected;
      const parentRow = parent.rows[0];
      if (!parentRow) throw new GatewayError('not-exists', 'the related row of a nested insert was not inserted', { path: execution.path });
      for (const pair of relationship.mapping) keys[pair.from] = parentRow[pair.to];
    }
    const runtimeColumns = Object.keys(keys).sort();
    const result = await run(execution, execution.mutation.rowStatement(insert, index, runtimeColumns), keys);
    const returned = result[0];
    if (!returned) continue;
    const rowValues = JSON.parse(returned[0] ?? 'null') as Record<string, unknown>;
    inserted.texts.push(returned[0]!);
    inserted.rows.push(rowValues);
    inserted.affected += 1;
    for (const relationship of row.arrayRelationships) {
      const childKeys: Record<string, unknown> = {};
      for (const pair of relationship.mapping) childKeys[pair.to] = rowValues[pair.from];
      const children = await insertNested(execution, relationship.insert, childKeys);
      inserted.affected += children.affected;
    }
  }
  return inserted;
}

/** A field's answer: the JSON text in the first column of its statement's first row. */
function answerOf(rows: (string | null)[][]): string {
  return rows[0]?.[0] ?? 'null';
}

/** Writes, then answers over the written rows in a second statement. */
async function writeThenAnswer(execution: Execution, field: MutationField, step: number): Promise<string> {
  const written = (await run(execution, execution.mutation.statement(field, step, 'rows')))[0]!;
  return answerOf(await run(execution, execution.mutation.statement(field, step, 'output'), { rows: written[0], affected_rows: Number(written[2]) }));
}

/**
 * The one statement a root field runs as, when it is one: no nested rows to insert one by one,
 * and no second statement to read related rows after the write.
 */
function singleStatement(mutation: CompiledMutation, field: Exclude<MutationField, { kind: 'typename' }>): CompiledStatement | undefined {
  if (field.kind === 'update_many') return undefined;
  if (field.kind === 'insert' && (hasNestedRows(field.insert) || needsFollowUp(field.output))) return undefined;
  if (needsFollowUp(field.output) && (field.kind === 'delete' || (field.kind === 'update' && field.update.operations.length > 0))) return undefined;
  return mutation.statement(field);
}

async function executeField(execution: Execution, field: Exclude<MutationField, { kind: 'typename' }>): Promise<string> {
  const single = singleStatement(execution.mutation, field);
  if (single) return answerOf(await run(execution, single));
  if (field.kind === 'insert') {
    const inserted = await insertNested(execution, field.insert, {});
    return answerOf(await run(execution, execution.mutation.statement(field, 0, 'output'), { rows: `[${inserted.texts.join(',')}]`, affected_rows: inserted.affected }));
  }
  if (field.kind === 'update_many') {
    const followUp = needsFollowUp(field.output);
    const answers: string[] = [];
    for (let step = 0; step < field.updates.length; step++) {
      const writes = field.updates[step]!.operations.length > 0;
      answers.push(followUp && writes ? await writeThenAnswer(execution, field, step) : answerOf(await run(execution, execution.mutation.statement(field, step))));
    }
    return `[${answers.join(',')}]`;
  }
  return writeThenAnswer(execution, field, 0);
}

/**
 * The root fields' statements, when every field is one statement: then nothing in JavaScript
 * has to happen between them, and they can all go out with `BEGIN`.
 */
function pipelinable(mutation: CompiledMutation): (CompiledStatement | null)[] | undefined {
  const statements: (CompiledStatement | null)[] = [];
  for (const field of mutation.plan.rootFields) {
    // __typename is answered without a statement.
    if (field.kind === 'typename') statements.push(null);
    else {
      const single = singleStatement(mutation, field);
      if (!single) return undefined;
      statements.push(single);
    }
  }
  return statements;
}

/**
 * Whether a root field's rows carry a permission check. The check is read in JavaScript (see
 * `run`), so a mutation with one must hear its statements' answers before it may commit.
 */
function checksRows(field: MutationField): boolean {
  switch (field.kind) {
    case 'insert':
      return field.insert.check !== null;
    case 'update':
      return field.update.check !== null;
    case 'update_many':
      return field.updates.some((step) => step.check !== null);
    case 'delete':
    case 'typename':
      return false;
  }
}

/**
 * Runs the root fields of a mutation in order, in ONE read-write transaction: any error rolls
 * all of them back. The session variables are set as `hasura.user` for the transaction, so
 * triggers (event capture among them) can see who wrote.
 */
export async function executeMutation(
  admission: Admission,
  role: string,
  mutation: CompiledMutation,
  variables: Variables,
  session: SessionVariables,
): Promise<string> {
  const client = await admission.connect(role);
  let failed = false;
  // Whether a transaction may be open on the connection: a failure then needs a ROLLBACK.
  let open = true;
  try {
    // Sent together (the pool pipelines), in one socket write, and answered in one round trip.
    holdWritesUntilNextTick(client);
    const opened = [
      client.query('BEGIN READ WRITE'),
      client.query({ name: 'sluice_set_session', text: "SELECT set_config('hasura.user', $1, true)", values: [JSON.stringify(session)] }),
    ];
    const fields = mutation.plan.rootFields;
    const statements = pipelinable(mutation);
    const answers: string[] = [];
    // The COMMIT sent with the writes, when one could be.
    let commit: Promise<pg.QueryResult> | undefined;
    if (statements) {
      // Every field is one statement: they go out in the same round trip, in order. Postgres runs
      // them in order inside the transaction; once one fails, the rest fail unrun (the
      // transaction is aborted) and the first failure is the one reported. Were BEGIN to fail,
      // the writes would still not happen outside a transaction: every pool connection is
      // read-only unless `BEGIN READ WRITE` (see create-pool.ts).
      const runs = fields.map((field, i) => (field.kind === 'typename' ? '' : run({ client, mutation, variables, session, path: field.path }, statements[i]!).then(answerOf)));
      // Without a permission check to read, nothing is left to decide after the writes: COMMIT
      // goes out with them. Postgres answers a COMMIT of a failed transaction with ROLLBACK, so
      // either every field is written or none is, and the connection is left idle either way.
      commit = fields.some(checksRows) ? undefined : client.query('COMMIT');
      if (commit) {
        open = false;
        // Its failure is read below, possibly a tick after it arrives: not an unhandled rejection.
        commit.catch(() => undefined);
      }
      const settled = await Promise.allSettled([...opened, ...runs]);
      const failure = settled.find((result) => result.status === 'rejected');
      if (failure) {
        // The COMMIT has then answered ROLLBACK (or failed): the connection is idle once it has.
        await commit?.catch(() => undefined);
        throw failure.reason;
      }
      for (const result of settled.slice(opened.length)) answers.push((result as PromiseFulfilledResult<string>).value);
    } else {
      // A field needs JavaScript between its statements: the fields run one after another, once
      // BEGIN and the session setting have answered.
      await Promise.all(opened);
      for (const field of fields) {
        answers.push(field.kind === 'typename' ? '' : await executeField({ client, mutation, variables, session, path: field.path }, field));
      }
    }
    let body = '{';
    for (const [i, field] of fields.entries()) {
      if (i > 0) body += ',';
      body += `${JSON.stringify(field.alias)}:${field.kind === 'typename' ? JSON.stringify(field.typename) : answers[i]}`;
    }
    open = false;
    await finishCommit(commit ?? client.query('COMMIT'));
    return `${body}}`;
  } catch (error) {
    failed = true;
    if (open) await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    // A connection whose ROLLBACK failed is in an unknown state: destroy it rather than reuse it.
    admission.release(role, client, failed && !(await isIdle(client)));
  }
}

/**
 * Awaits a COMMIT. One can fail (a deferred constraint is checked then), and Postgres has then
 * rolled the transaction back: a client's error like any statement's, at the operation's path.
 */
async function finishCommit(commit: Promise<pg.QueryResult>): Promise<void> {
  let result: pg.QueryResult;
  try {
    result = await commit;
  } catch (error) {
    throw mapPostgresError(error, '$');
  }
  // Only an aborted transaction commits as ROLLBACK, and every statement's failure is thrown
  // before this: a ROLLBACK here means the writes are gone without a reason seen.
  if (result.command !== 'COMMIT') throw new Error(`COMMIT answered ${result.command}`);
}

async function isIdle(client: pg.PoolClient): Promise<boolean> {
  try {
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  }
}
