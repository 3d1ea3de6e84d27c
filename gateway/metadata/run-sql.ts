/**
 * `run_sql`: the admin's own SQL, run as given — the one place raw SQL text is intended. It runs
 * in one transaction over the simple query protocol (so multi-statement scripts work and no
 * parameters exist), READ ONLY when asked. The connection is discarded afterwards rather than
 * returned to the pool, because the script may have left session state behind (`SET`, temp
 * tables, `LISTEN`).
 */
import type pg from 'pg';
import { GatewayError } from '../errors/index.js';
import type { OperationResult, MetadataOperation } from './metadata-operation.js';
import { checkSource, expectObject, optionalBoolean, requireString } from './parse-args.js';
import { followSchemaChanges, locateTrackedTables, relocateTables } from './follow-schema-changes.js';
import { existingFunctions, followFunctionDrops, referencedFunctions } from './follow-function-drops.js';
import { sameTable } from './metadata-tables.js';

/** Hasura answers with every value as text, exactly as Postgres printed it. */
const textTypes = { getTypeParser: () => (value: string) => value } as unknown as pg.CustomTypesConfig;

interface PgError {
  readonly message: string;
  readonly code?: string;
  readonly detail?: string;
  readonly hint?: string;
}

function isPgError(error: unknown): error is PgError {
  const code: unknown = (error as { code?: unknown } | null)?.code;
  return error instanceof Error && typeof code === 'string' && code.length === 5;
}

/** Hasura's `postgres-error` body for a failed `run_sql`, with the Postgres details for the admin. */
export function runSqlError(error: unknown, sql: string, path: string): unknown {
  if (!isPgError(error)) return error;
  return new GatewayError('postgres-error', 'query execution failed', {
    path,
    status: 400,
    cause: error,
    internal: {
      error: { exec_status: 'FatalError', message: error.message, status_code: error.code, description: error.detail ?? null, hint: error.hint ?? null },
      statement: sql,
      prepared: false,
      arguments: [],
    },
  });
}

function formatResult(result: pg.QueryResult | pg.QueryResult[]): unknown {
  const last = Array.isArray(result) ? result.at(-1) : result;
  if (!last || (last.fields.length === 0 && last.command !== 'SELECT')) return { result_type: 'CommandOk', result: null };
  return { result_type: 'TuplesOk', result: [last.fields.map((f) => f.name), ...(last.rows as unknown[][])] };
}

export const runSql: MetadataOperation = async (args, context): Promise<OperationResult> => {
  const obj = expectObject(args, context.path);
  checkSource(obj, context.path);
  const sql = requireString(obj, 'sql', context.path);
  const cascade = optionalBoolean(obj, 'cascade', context.path) ?? false;
  const readOnly = optionalBoolean(obj, 'read_only', context.path) ?? false;
  optionalBoolean(obj, 'check_metadata_consistency', context.path);
  // The model from before the script tells which table an FK relationship points at.
  const model = readOnly ? undefined : await context.model().catch(() => undefined);
  const client = await context.pool.connect();
  try {
    await client.query(readOnly ? 'BEGIN READ ONLY' : 'BEGIN READ WRITE');
    const before = readOnly ? undefined : await locateTrackedTables(client, context.metadata);
    const functionsBefore = readOnly ? [] : await existingFunctions(client, referencedFunctions(context.metadata));
    const result = await client.query({ text: sql, rowMode: 'array', types: textTypes }).catch((error: unknown) => {
      throw runSqlError(error, sql, context.path);
    });
    let metadata = before
      ? followSchemaChanges(context.metadata, before, await relocateTables(client, before), { cascade, model, path: context.path })
      : context.metadata;
    if (functionsBefore.length > 0) {
      const survivors = await existingFunctions(client, functionsBefore);
      const dropped = functionsBefore.filter((fn) => !survivors.some((s) => sameTable(s, fn)));
      metadata = followFunctionDrops(metadata, dropped, { cascade, path: context.path });
    }
    await client.query('COMMIT').catch((error: unknown) => {
      throw runSqlError(error, sql, context.path);
    });
    const response = formatResult(result as pg.QueryResult | pg.QueryResult[]);
    // A READ ONLY script cannot have changed the schema: nothing to reload.
    return readOnly ? { kind: 'read', response } : { kind: 'sql', response, metadata };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release(true);
  }
};
