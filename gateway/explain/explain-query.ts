import type { Admission } from '../admission/index.js';
import { compileQuery } from '../compile/index.js';
import { mapPostgresError } from '../errors/index.js';
import { bindParams, type SessionVariables } from '../execute/bind-params.js';
import type { QueryPlan, Variables } from '../plan/index.js';

/** Hasura's answer for one root field: its SQL and Postgres's plan; both null for a field without SQL (`__typename`, introspection). */
export interface ExplainedField {
  readonly field: string;
  readonly sql: string | null;
  readonly plan: readonly string[] | null;
}

export interface ExplainQueryOptions {
  readonly admission: Admission;
  /** The caller's role (admin): whose slot the connection takes. */
  readonly callerRole: string;
  readonly variables: Variables;
  /** The explained role's session variables, bound exactly as a real request binds them. */
  readonly session: SessionVariables;
  readonly analyze: boolean;
}

interface Statement {
  readonly field: string;
  readonly text: string;
  readonly values: unknown[];
}

/**
 * The SQL and plan of each root field of a planned query. A real request runs all root fields
 * as one statement (one column each); here each field is compiled alone — the same expression
 * that is its column — so its plan is its own. Values (variables, literals, session variables)
 * are bound as parameters, as in a real request, so Postgres plans with the actual values.
 *
 * Everything runs in `BEGIN READ ONLY … ROLLBACK` on a pool connection: with `analyze` the
 * statements really run (`EXPLAIN (ANALYZE, FORMAT TEXT)`), and nothing they do can persist.
 */
export async function explainQuery(plan: QueryPlan, options: ExplainQueryOptions): Promise<ExplainedField[]> {
  const statements: (Statement | ExplainedField)[] = plan.rootFields.map((field) => {
    const compiled = compileQuery({ operation: 'query', rootFields: [field] });
    if (!compiled) return { field: field.alias, sql: null, plan: null };
    return { field: field.alias, text: compiled.text, values: bindParams(compiled.params, options.variables, options.session) };
  });
  const explain = options.analyze ? 'EXPLAIN (ANALYZE, FORMAT TEXT) ' : 'EXPLAIN (FORMAT TEXT) ';
  const client = await options.admission.connect(options.callerRole);
  let broken = false;
  try {
    await client.query('BEGIN READ ONLY');
    const explained: ExplainedField[] = [];
    for (const statement of statements) {
      if (!('text' in statement)) {
        explained.push(statement);
        continue;
      }
      try {
        const result = await client.query<[string]>({ text: explain + statement.text, values: statement.values, rowMode: 'array' });
        explained.push({ field: statement.field, sql: statement.text, plan: result.rows.map((row) => row[0]) });
      } catch (error) {
        throw mapPostgresError(error, '$');
      }
    }
    return explained;
  } finally {
    try {
      await client.query('ROLLBACK');
    } catch {
      broken = true;
    }
    options.admission.release(options.callerRole, client, broken);
  }
}
