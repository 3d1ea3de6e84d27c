/**
 * The SQL Sluice installs for one event trigger operation, as Hasura's `trigger.sql.shakespeare`
 * does: a plpgsql function `sluice."notify_<trigger>_<OP>"()` and an `AFTER <OP> … FOR EACH ROW`
 * trigger of the same name that calls it. Pure: no database access.
 *
 * The function text holds no literal from metadata: column names go through `quoteIdentifier`, and
 * the function learns the trigger and operation from `TG_NAME` and `TG_OP` at run time. The table
 * the event names is passed as the trigger's two arguments (`TG_ARGV`), dollar-quoted with a tag
 * that does not occur in the value: on a partitioned table Postgres clones the trigger onto every
 * partition, and `TG_TABLE_NAME` would name the partition where Hasura names the partitioned table
 * the trigger was defined on (its `trigger.sql.shakespeare` writes the names in).
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

const columnList = (record: 'OLD' | 'NEW', columns: readonly string[]) => columns.map((c) => `${record}.${quoteIdentifier(c)}`).join(', ');

/**
 * For UPDATE: fire only when a listened column changed. Values are compared as jsonb so that
 * types without an equality operator (json, point, xml) work too.
 *
 * The WHEN clause also makes Postgres record a dependency on every column it names, so dropping a
 * listened or payload column fails (Hasura's `dependency-error`) instead of breaking every later
 * write to the table with `record "new" has no field …` — the function body, which selects the
 * payload columns, records no dependency. Payload columns are named in `ROW(…) IS NULL OR true`:
 * always true, and folded to a constant when Postgres prepares the clause, so it costs nothing
 * per row (CREATE TRIGGER stores and records dependencies on the clause as written).
 */
function whenClause(operation: CaptureOperation): string {
  const conditions: string[] = [];
  const listened = operation.columns;
  if (operation.op === 'UPDATE') {
    conditions.push(
      listened === '*'
        ? 'to_jsonb(OLD.*) IS DISTINCT FROM to_jsonb(NEW.*)'
        : `jsonb_build_array(${columnList('OLD', listened)}) IS DISTINCT FROM jsonb_build_array(${columnList('NEW', listened)})`,
    );
  }
  if (operation.payload !== '*') conditions.push(`(ROW(${columnList(operation.op === 'DELETE' ? 'OLD' : 'NEW', operation.payload)}) IS NULL OR true)`);
  return conditions.length === 0 ? '' : ` WHEN (${conditions.join(' AND ')})`;
}

/**
 * `$sluice$`, `$sluice1$`, … : the first tag that cannot end the quoted text early. Names may
 * contain `$`, so the text followed by the closing tag must contain the tag only at its end.
 */
function dollarTag(text: string): string {
  let tag = '$sluice$';
  for (let i = 1; (text + tag).indexOf(tag) !== text.length; i += 1) tag = `$sluice${i}$`;
  return tag;
}

/** A string constant for a trigger argument, dollar-quoted: no escaping rules to get wrong. */
function dollarQuote(text: string): string {
  const tag = dollarTag(text);
  return `${tag}${text}${tag}`;
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
  PERFORM sluice.capture_event(left(substr(TG_NAME, ${functionPrefix.length + 1}), -(length(TG_OP) + 1)), TG_ARGV[0], TG_ARGV[1], TG_OP, ${oldRow}, ${newRow});
  RETURN NULL;
END;
`;
  const tag = dollarTag(body);
  const createFunction = `CREATE OR REPLACE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS ${tag}${body}${tag}`;
  const createTrigger =
    `CREATE TRIGGER ${quoteIdentifier(captureFunctionName(spec.name, operation.op))} AFTER ${operation.op} ON ${quoteQualifiedName(spec.table)}` +
    ` FOR EACH ROW${whenClause(operation)} EXECUTE FUNCTION ${fn}(${dollarQuote(spec.table.schema)}, ${dollarQuote(spec.table.name)})`;
  const hash = createHash('sha256').update(createFunction).update('\n').update(createTrigger).digest('hex').slice(0, 24);
  // The comment holds only the constant marker and hex digits.
  const comment = `COMMENT ON FUNCTION ${fn}() IS '${captureMarker} ${hash}'`;
  return { functionName: captureFunctionName(spec.name, operation.op), hash, createFunction, comment, createTrigger };
}
