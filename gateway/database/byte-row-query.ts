import { createRequire } from 'node:module';
import pg from 'pg';

/** The part of pg's Connection a prepared statement is written with. */
interface StatementConnection {
  readonly submittedNamedStatements: Record<string, string>;
  parse(query: { text: string; name: string }): void;
  bind(config: { portal: string; statement: string; values: unknown[]; binary: boolean }): void;
  execute(config: { portal: string }): void;
  sync(): void;
}

// pg's own mapping of JS values to parameter text (arrays, objects as JSON, dates), so a value is
// sent exactly as `client.query` would send it.
const { prepareValue } = createRequire(import.meta.url)('pg/lib/utils.js') as { prepareValue(value: unknown): unknown };

export type ByteRowCallback = (error: Error | null, row?: (Buffer | null)[]) => void;

/**
 * One run of a named prepared statement whose first row is wanted as bytes: pg's Query, less what
 * such a run does not need, which profiles showed costing Sluice about 20 µs a request:
 * - the query config is not copied (pg copies it with `Object.getOwnPropertyDescriptors`, which
 *   also leaves the copy a slow dictionary-mode object), as a string is not;
 * - no Describe is sent, so no RowDescription comes back to be parsed into field objects and
 *   type parsers: the columns stay bytes (ByteRowsClient's DataRowSplitter hands them over),
 *   and their types are of no use;
 * - no Result object with its row arrays: the first row's columns are the answer;
 * - the columns come in binary format, which for `json` and `text` is their text.
 *
 * It is still a pg Query (pg refuses other classes on a pipelined connection), driven by the
 * client as every query is: `submit`, then the `handle…` calls for the messages that answer it.
 */
export class ByteRowQuery extends pg.Query {
  declare name: string;
  declare values: unknown[];
  declare callback: ByteRowCallback;
  private row: (Buffer | null)[] | undefined;
  private finished = false;

  constructor(name: string, text: string, values: unknown[], callback: ByteRowCallback) {
    super(text);
    this.name = name;
    this.values = values;
    this.callback = callback;
  }

  /** Called by Query#submit, inside its cork, when the statement is to be sent. */
  prepare(connection: StatementConnection): void {
    let values: unknown[];
    try {
      values = this.values.map((value) => prepareValue(value));
    } catch (error) {
      // A value pg cannot send (a cyclic object, say) fails this run before any of it is sent.
      // The client waits for a ReadyForQuery to move on from this query: a Sync alone asks for one.
      connection.sync();
      this.finish(error as Error);
      return;
    }
    if (!this.hasBeenParsed(connection)) {
      connection.parse({ text: this.text, name: this.name });
      connection.submittedNamedStatements[this.name] = this.text;
    }
    // Results in binary format: for json and text, the only types Sluice reads this way, that is
    // the same bytes as text, and Postgres's text output scans each value for its length first
    // (on 20 artists → albums → tracks, about 4 % of its CPU in a build whose strlen is slow).
    connection.bind({ portal: '', statement: this.name, values, binary: true });
    connection.execute({ portal: '' });
    connection.sync();
  }

  handleRowDescription(): void {
    // Not sent: no Describe was asked for.
  }

  handleDataRow(message: { fields: (Buffer | null)[] }): void {
    this.row ??= message.fields;
  }

  handleCommandComplete(): void {
    // The row count is not needed.
  }

  handleEmptyQuery(): void {
    // An empty statement has no row: answered as [] at ReadyForQuery.
  }

  handleError(error: Error): void {
    this.finish(error);
  }

  handleReadyForQuery(): void {
    this.finish(null, this.row ?? []);
  }

  /** Answers once: pg may still call handleReadyForQuery for a query that has failed. */
  private finish(error: Error | null, row?: (Buffer | null)[]): void {
    if (this.finished) return;
    this.finished = true;
    this.callback(error, row);
  }
}

declare module 'pg' {
  interface Query {
    readonly text: string;
    hasBeenParsed(connection: unknown): boolean;
  }
}
