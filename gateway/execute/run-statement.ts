import { mapPostgresError } from '../errors/index.js';
import type { Admission } from '../admission/index.js';
import { queryRowBytes } from '../database/index.js';

/**
 * How long a statement takes Postgres, from the time Postgres itself reports with each run (a
 * column of the statement): roughly the 90th percentile of its runs, tracked by nudging the
 * estimate down 2 % on a faster run and up 18 % on a slower one, which balances where one run in
 * nine is slower. Not the average: a backend that waited for a CPU on a busy machine makes a rare
 * run look slow, and that should not mark a cheap statement costly. Not the fastest run either:
 * a statement whose cost depends on its parameters (a filter on a popular value) is only cheap
 * if nearly all its runs are. Unknown until the first run.
 */
export class StatementTiming {
  expectedMs = Number.POSITIVE_INFINITY;

  record(ms: number): void {
    if (this.expectedMs === Number.POSITIVE_INFINITY) this.expectedMs = ms;
    else this.expectedMs *= ms > this.expectedMs ? 1.18 : 0.98;
  }
}

/** A compiled read as it runs: built once per cached plan. */
export interface ReadStatement {
  /** Its prepared-statement name. */
  readonly name: string;
  readonly text: string;
  /** The column holding Postgres's own time for the statement, in microseconds (compile-query.ts). */
  readonly timingColumn: number;
  readonly timing: StatementTiming;
}

/**
 * Runs one compiled statement as a named prepared statement (Postgres plans it once per
 * connection) and returns its single row's columns as bytes: the JSON text Postgres built,
 * never decoded into JS strings, to be written to the response as it is. The connection comes
 * through admission: a saturated pool answers a 503 after a bounded wait, and a statement known
 * to be cheap may share its connection with other cheap reads (`connectRead`).
 */
export async function runStatement(
  admission: Admission,
  role: string,
  statement: ReadStatement,
  values: unknown[],
  path: string,
): Promise<(Buffer | null)[]> {
  const client = await admission.connectRead(role, statement.timing.expectedMs);
  try {
    const row = await queryRowBytes(client, statement.name, statement.text, values);
    const microseconds = Number(row[statement.timingColumn]?.toString('latin1'));
    if (Number.isFinite(microseconds)) statement.timing.record(microseconds / 1000);
    return row;
  } catch (error) {
    throw mapPostgresError(error, path);
  } finally {
    admission.release(role, client);
  }
}
