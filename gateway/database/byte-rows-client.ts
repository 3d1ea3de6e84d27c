import type { EventEmitter } from 'node:events';
import pg from 'pg';
import { ByteRowQuery } from './byte-row-query.js';
import { DataRowSplitter } from './data-row-splitter.js';

/** The part of pg's Connection the client hooks into: where it hands the socket to the parser. */
interface ParsingConnection extends EventEmitter {
  attachListeners(stream: EventEmitter): void;
  readonly stream: { cork(): void; uncork(): void };
}

/**
 * The pool's client class. It is pg's client, and in addition can run a statement whose single
 * row comes back as bytes (`queryRowBytes`): Sluice's JSON answers go from the database socket
 * to the HTTP response without ever becoming a JS string. Everything else — the metadata,
 * events and mutation statements — reads text as usual.
 */
export class ByteRowsClient extends pg.Client {
  /** Byte-row statements in flight: several when reads share the connection (pipelined). */
  private bytesWanted = 0;
  private writesHeld = false;

  constructor(config?: string | pg.ClientConfig) {
    super(config);
    const connection = this.connection as unknown as ParsingConnection;
    const attach = connection.attachListeners;
    // Fail at once, not quietly slower, if a pg upgrade moves where the socket meets the parser.
    if (typeof attach !== 'function') throw new Error('pg.Connection has no attachListeners: ByteRowsClient needs updating for this pg version');
    connection.attachListeners = (stream) => {
      const splitter = new DataRowSplitter(stream, () => this.bytesWanted > 0, (row) => connection.emit('dataRow', row));
      attach.call(connection, splitter);
    };
  }

  /**
   * Runs a named prepared statement; its first row, each column as bytes (null for SQL NULL) in
   * Postgres's binary format: for `json` and `text` columns, which Sluice's reads select, that is
   * their text.
   * Statements of reads sharing this connection (admission's `connectRead`) are issued in the
   * same run of the microtask queue: holding the socket's writes until the next tick sends them
   * in one write, so Sluice and Postgres each make one system call for all of them.
   */
  queryRowBytes(name: string, text: string, values: unknown[]): Promise<(Buffer | null)[]> {
    this.holdWritesUntilNextTick();
    this.bytesWanted++;
    return new Promise((resolve, reject) => {
      const query = new ByteRowQuery(name, text, values, (error, row) => {
        this.bytesWanted--;
        if (error) reject(error);
        else resolve(row!);
      });
      // pg's types offer only the promise form of query(); a Submittable is answered through its callback.
      (this.query as (query: ByteRowQuery) => unknown).call(this, query);
    });
  }

  /**
   * Holds the socket's writes until the next tick: the statements issued until then (pipelined)
   * leave in one write, which wakes the server once rather than once per statement.
   */
  holdWritesUntilNextTick(): void {
    if (this.writesHeld) return;
    const stream = (this.connection as unknown as ParsingConnection).stream;
    this.writesHeld = true;
    stream.cork();
    process.nextTick(() => {
      this.writesHeld = false;
      stream.uncork();
    });
  }
}

/** Every column as Postgres's text: a json answer must reach the response as the text it is, not parsed. */
const textTypes = { getTypeParser: () => (value: string): string => value };

function asBytes(row: unknown[] | undefined): (Buffer | null)[] {
  return (row ?? []).map((value) => (value === null || value === undefined ? null : Buffer.isBuffer(value) ? value : Buffer.from(String(value))));
}

/** `client.holdWritesUntilNextTick()` for any pool client; a client of another class writes as pg does. */
export function holdWritesUntilNextTick(client: pg.ClientBase): void {
  if (client instanceof ByteRowsClient) client.holdWritesUntilNextTick();
}

/**
 * `client.queryRowBytes` for any pool client: a client of another class (a pool made without
 * `createPool`) answers text, turned into bytes here.
 */
export async function queryRowBytes(client: pg.ClientBase, name: string, text: string, values: unknown[]): Promise<(Buffer | null)[]> {
  if (client instanceof ByteRowsClient) return client.queryRowBytes(name, text, values);
  const result = await client.query<unknown[]>({ name, text, values, rowMode: 'array', types: textTypes });
  return asBytes(result.rows[0]);
}
