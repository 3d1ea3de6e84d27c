/**
 * The SQL Sluice installs for one event trigger operation, as Hasura's `trigger.sql.shakespeare`
 * does: a plpgsql function `sluice."notify_<trigger>_<OP>"()` and an `AFTER <OP> … FOR EACH ROW`
 * trigger of the same name that calls it. Pure: no database access.
 *
 * The text holds no literal from metadata: table and column names go through `quoteIdentifier`,
 * and the function learns the trigger, table and operation from `TG_NAME`, `TG_TABLE_SCHEMA`,
 * `TG_TABLE_NAME` and `TG_OP` at run time.
 */
import { createHash } from 'node:crypto';
import { quoteIdentifier, quoteQualifiedName } from '../../metadata/quote-identifier.js';
import type { CaptureOp, CaptureOperation, CaptureSpec, ColumnSelection } from './capture-spec.js';

/** Marks the functions Sluice owns; the rest of the comment is a hash of the installed SQL. */
export const captureMarker = 'sluice event trigger';

const functionPrefix = 'notify_';

/** `notify_<trigger>_<OP>`, the name of both the function and the SQL trigger. */
export function captureFunctionName(trigger: string, op: CaptureOp): string {
  return `${functionPrefix}${trigger}_${op}`;
}

export function qualifiedCaptureFunction(trigger: string, op: CaptureOp): string {
  return `sluice.${quoteIdentifier(captureFunctionName(trigger, op))}`;
}

/** `OLD`/`NEW` as jsonb, restricted to the payload columns when a list is given. */
function rowJson(record: 'OLD' | 'NEW', payload: ColumnSelection): string {
  if (payload === '*') return `to_jsonb(${record})`;
  // A sub-select names each output column after the field, so to_jsonb keeps the column names.
  const fields = payload.map((column) => `${record}.${quoteIdentifier(column)}`).join(', ');
  return `(SELECT to_jsonb(r) FROM (SELECT ${fields}) AS r)`;
}

/**
 * For UPDATE: fire only when a listened column changed. Values are compared as jsonb so that
 * types without an equality operator (json, point, xml) work too; the WHEN clause also makes
 * Postgres record a dependency on those columns, so dropping one fails instead of breaking writes.
 */
function whenClause(operation: CaptureOperation): string {
  if (operation.op !== 'UPDATE') return '';
  const columns = operation.columns;
  if (columns === '*') return ' WHEN (to_jsonb(OLD.*) IS DISTINCT FROM to_jsonb(NEW.*))';
  const list = (record: string) => columns.map((c) => `${record}.${quoteIdentifier(c)}`).join(', ');
  return ` WHEN (jsonb_build_array(${list('OLD')}) IS DISTINCT FROM jsonb_build_array(${list('NEW')}))`;
}

/** A dollar-quote tag that does not occur in the body (column names may contain `$`). */
function dollarTag(body: string): string {
  let tag = '$sluice$';
  for (let i = 1; body.includes(tag); i += 1) tag = `$sluice${i}$`;
  return tag;
}

export interface CaptureStatements {
  readonly functionName: string;
  /** Hash of everything below: equal hashes mean the installed objects are already right. */
  readonly hash: string;
  readonly createFunction: string;
  readonly comment: string;
  readonly createTrigger: string;
}

export function compileCaptureStatements(spec: CaptureSpec, operation: CaptureOperation): CaptureStatements {
  const fn = qualifiedCaptureFunction(spec.name, operation.op);
  const oldRow = operation.op === 'INSERT' ? 'NULL' : rowJson('OLD', operation.payload);
  const newRow = operation.op === 'DELETE' ? 'NULL' : rowJson('NEW', operation.payload);
  // TG_NAME is notify_<trigger>_<OP>: strip the prefix and the suffix to get the trigger name.
  const body = `
BEGIN
  PERFORM sluice.capture_event(left(substr(TG_NAME, ${functionPrefix.length + 1}), -(length(TG_OP) + 1)), TG_TABLE_SCHEMA, TG_TABLE_NAME, TG_OP, ${oldRow}, ${newRow});
  RETURN NULL;
END;
`;
  const tag = dollarTag(body);
  const createFunction = `CREATE OR REPLACE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS ${tag}${body}${tag}`;
  const createTrigger =
    `CREATE TRIGGER ${quoteIdentifier(captureFunctionName(spec.name, operation.op))} AFTER ${operation.op} ON ${quoteQualifiedName(spec.table)}` +
    ` FOR EACH ROW${whenClause(operation)} EXECUTE FUNCTION ${fn}()`;
  const hash = createHash('sha256').update(createFunction).update('\n').update(createTrigger).digest('hex').slice(0, 24);
  // The comment holds only the constant marker and hex digits.
  const comment = `COMMENT ON FUNCTION ${fn}() IS '${captureMarker} ${hash}'`;
  return { functionName: captureFunctionName(spec.name, operation.op), hash, createFunction, comment, createTrigger };
}
