import { mapPostgresError } from '../errors/index.js';
import type { Admission } from '../admission/index.js';
import { queryRowBytes } from '../database/index.js';

/**
 * How long a statement takes Postgres, from the time Postgres itself reports with each run (a
 * column of the statement). The estimate follows the fast end of the runs: it drops to any
 * faster run at once and rises by 1/64 of the difference on a slower one. A backend that had to
 * wait for a CPU makes a run look slower than the statement is, and an average would let such
 * runs on a busy machine mark a cheap statement costly; a statement that really became slower
 * (its data grew) is still seen as such within a few hundred runs. Unknown until the first run.
 */
export class StatementTiming {
  expectedMs = Number.POSITIVE_INFINITY;

  record(ms: number): void {
    this.expectedMs = ms < this.expectedMs ? ms : this.expectedMs + (ms - this.expectedMs) / 64;
  }
}

/** The statement's own timing column (integer microseconds as text). */
function microseconds(column: Buffer | null | undefined): number {
  const value = column ? Number(column.toString('latin1')) : Number.NaN;
  return Number.isFinite(value) ? value : Number.NaN;
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
  statement: { readonly name: string; readonly text: string; readonly timing: StatementTiming; readonly timingColumn: number },
  values: unknown[],
  path: string,
): Promise<(Buffer | null)[]> {
  const client = await admission.connectRead(role, statement.timing.expectedMs);
  try {
    const row = await queryRowBytes(client, statement.name, statement.text, values);
    const us = microseconds(row[statement.timingColumn]);
    if (!Number.isNaN(us)) statement.timing.record(us / 1000);
    return row;
  } catch (error) {
    throw mapPostgresError(error, path);
  } finally {
    admission.release(role, client);
  }
}
