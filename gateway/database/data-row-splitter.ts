import { EventEmitter } from 'node:events';

/** A DataRow message as pg's query code reads it, with each column left as bytes. */
export interface ByteDataRow {
  readonly name: 'dataRow';
  readonly length: number;
  readonly fieldCount: number;
  readonly fields: (Buffer | null)[];
}

/** Message type byte of DataRow ('D'). */
const DATA_ROW = 0x44;
/** Every backend message starts with a type byte and a 4-byte length that counts itself. */
const HEADER = 5;

function byteDataRow(data: Buffer, start: number, end: number): ByteDataRow {
  const fieldCount = data.readInt16BE(start);
  const fields = new Array<Buffer | null>(fieldCount);
  let offset = start + 2;
  for (let i = 0; i < fieldCount; i++) {
    const length = data.readInt32BE(offset);
    offset += 4;
    // A length of -1 is SQL NULL.
    fields[i] = length === -1 ? null : data.subarray(offset, (offset += length));
  }
  return { name: 'dataRow', length: end - start + 4, fieldCount, fields };
}

/**
 * Sits between a connection's socket and pg's protocol parser, which decodes every column into
 * a JS string. For a statement whose answer is JSON text bound for an HTTP response, that
 * decode (and the encode back to bytes on the way out) was the largest cost Sluice itself had
 * on big answers. The splitter frames the messages itself and passes every one on, in order, as
 * the `data` events the parser reads — except DataRow messages while `wanted()` is true: those
 * go to `onRow` with each column a view of the received bytes.
 *
 * Only whole messages are passed on, so the parser never holds half a message when the mode
 * changes; a message split across socket chunks waits here until its last byte arrives (its
 * chunks are joined once, not on each arrival).
 */
export class DataRowSplitter extends EventEmitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Bytes the pending message needs before it can be framed. */
  private needed = 0;

  constructor(
    source: EventEmitter,
    private readonly wanted: () => boolean,
    private readonly onRow: (row: ByteDataRow) => void,
  ) {
    super();
    source.on('data', (chunk: Buffer) => this.push(chunk));
    source.on('end', () => this.emit('end'));
  }

  private push(chunk: Buffer): void {
    let data = chunk;
    if (this.pendingBytes > 0) {
      this.pending.push(chunk);
      this.pendingBytes += chunk.length;
      if (this.pendingBytes < this.needed) return;
      data = Buffer.concat(this.pending, this.pendingBytes);
      this.pending = [];
      this.pendingBytes = 0;
    }
    let offset = 0;
    let passFrom = 0;
    while (data.length - offset >= HEADER) {
      const end = offset + 1 + data.readUInt32BE(offset + 1);
      if (end > data.length) break;
      if (data[offset] === DATA_ROW && this.wanted()) {
        if (offset > passFrom) this.emit('data', data.subarray(passFrom, offset));
        this.onRow(byteDataRow(data, offset + HEADER, end));
        passFrom = end;
      }
      offset = end;
    }
    if (offset > passFrom) this.emit('data', data.subarray(passFrom, offset));
    if (offset < data.length) {
      const rest = data.subarray(offset);
      this.pending.push(rest);
      this.pendingBytes = rest.length;
      this.needed = rest.length >= HEADER ? 1 + rest.readUInt32BE(1) : HEADER;
    }
  }
}
