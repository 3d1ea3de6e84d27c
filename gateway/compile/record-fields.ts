import type { ColumnOutput, Field, RowSource } from '../plan/ir.js';
import { maxIdentifierBytes } from './sql.js';

/**
 * A JSON field that the rows subquery can select itself, under its key: a column as it is, or
 * `__typename`'s constant text.
 */
export type RecordField = { readonly name: string; readonly column: string } | { readonly name: string; readonly text: string };

/*
 * A list or object is usually built as `json_agg("_1".*) FROM (rows) AS "_0" CROSS JOIN LATERAL
 * (SELECT <fields> AS <keys>) AS "_1"`: the LATERAL record carries the fields, while the rows
 * subquery keeps the table's own columns for the keys, conditions and relationships that read
 * them. When every field is a column (or `__typename`), the rows subquery can name its columns
 * by the keys instead, and the row is the JSON object: `json_agg("_0".*) FROM (rows) AS "_0"`.
 *
 * Postgres then plans one join fewer, but reads each row through one more node. Measured on
 * PG17: a filter limited to 20 rows, which Postgres plans on every run (its generic plan looks
 * worse to it than a custom one), ran 20 µs cheaper a run (of about 1,200); a list of 1,000
 * rows ran 100 µs dearer (of about 4,000), about 0.1 µs a row. So only a page known to be
 * small is built this way: one row, or a limit in the query (or the role's) of at most 100.
 */
const maxRecordRows = 100;

/** The most rows `rows` can give, when the query or the role says; else Infinity. */
function knownRowLimit(rows: RowSource): number {
  const source = rows.limit?.source;
  const requested = source?.kind === 'constant' && typeof source.value === 'number' ? source.value : Infinity;
  return Math.min(requested, rows.permissionLimit ?? Infinity);
}

function isPlainColumn(output: ColumnOutput): boolean {
  // Anything computed would run on every row before the sort and limit, not on the few after.
  return !output.condition && !output.jsonPath && !output.stringify && !output.geoJson;
}

/**
 * The fields as the rows subquery's columns, or null when some field needs the LATERAL record
 * or there may be many rows. `single`: the rows are one object's (by primary key).
 *
 * Keys are the schema's names of the fields (never request text), as in the LATERAL record. The
 * list's `json_agg(… ORDER BY …)` then reads the subquery's output, so each order key must be
 * one of its columns under its own name.
 */
export function recordFields(fields: readonly Field[], rows: RowSource, single: boolean): readonly RecordField[] | null {
  if (!single && knownRowLimit(rows) > maxRecordRows) return null;
  const record: RecordField[] = [];
  for (const field of fields) {
    const name = field.schemaName;
    if (name === undefined || Buffer.byteLength(name) > maxIdentifierBytes) return null;
    if (field.kind === 'typename') record.push({ name, text: field.typename });
    else if (field.kind === 'column' && isPlainColumn(field)) record.push({ name, column: field.column });
    else return null;
  }
  const selectedAsItself = (column: string) => record.some((field) => 'column' in field && field.column === column && field.name === column);
  const ordered = rows.orderBy.every(({ key }) => key.kind === 'column' && !key.condition && selectedAsItself(key.column));
  return record.length > 0 && ordered ? record : null;
}
