import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { DataRowSplitter, type ByteDataRow } from '../../gateway/database/data-row-splitter.js';

/** A backend message: type byte, length counting itself, body. */
function message(type: string, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.write(type, 0, 'latin1');
  header.writeUInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}

function dataRow(values: (string | null)[]): Buffer {
  const parts = [Buffer.alloc(2)];
  parts[0]!.writeInt16BE(values.length);
  for (const value of values) {
    const length = Buffer.alloc(4);
    const bytes = value === null ? Buffer.alloc(0) : Buffer.from(value);
    length.writeInt32BE(value === null ? -1 : bytes.length);
    parts.push(length, bytes);
  }
  return message('D', Buffer.concat(parts));
}

const stream = [
  message('1', Buffer.alloc(0)), // ParseComplete
  message('2', Buffer.alloc(0)), // BindComplete
  dataRow(['{"a":"é✓"}', null, '']),
  dataRow(['x'.repeat(300)]),
  message('C', Buffer.from('SELECT 1\0')),
  message('Z', Buffer.from('I')),
];
const others = Buffer.concat([stream[0]!, stream[1]!, stream[4]!, stream[5]!]);

/** Feeds `bytes` in chunks cut at `cuts`, and collects what the splitter passes on and keeps. */
function run(bytes: Buffer, cuts: number[], wanted: boolean) {
  const source = new EventEmitter();
  const rows: ByteDataRow[] = [];
  const passed: Buffer[] = [];
  const splitter = new DataRowSplitter(source, () => wanted, (row) => rows.push(row));
  splitter.on('data', (chunk: Buffer) => {
    // The parser may keep a chunk: each one it gets must be whole messages.
    let offset = 0;
    while (offset < chunk.length) offset += 1 + chunk.readUInt32BE(offset + 1);
    expect(offset).toBe(chunk.length);
    passed.push(Buffer.from(chunk));
  });
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    if (cut > from) source.emit('data', bytes.subarray(from, cut));
    from = Math.max(from, cut);
  }
  return { rows, passed: Buffer.concat(passed) };
}

describe('DataRowSplitter', () => {
  const bytes = Buffer.concat(stream);

  it('keeps the rows as bytes and passes every other message on, whole and in order', () => {
    const { rows, passed } = run(bytes, [], true);
    expect(passed.equals(others)).toBe(true);
    expect(rows.map((row) => row.fields.map((field) => field?.toString('utf8') ?? null))).toEqual([['{"a":"é✓"}', null, ''], ['x'.repeat(300)]]);
    expect(rows[0]).toMatchObject({ name: 'dataRow', fieldCount: 3, length: stream[2]!.length - 1 });
  });

  it('frames messages cut at every byte position, and cut into single bytes', () => {
    for (let cut = 1; cut < bytes.length; cut++) {
      const { rows, passed } = run(bytes, [cut], true);
      expect(passed.equals(others), `cut at ${cut}`).toBe(true);
      expect(rows.map((row) => row.fields[0]?.toString('utf8'))).toEqual(['{"a":"é✓"}', 'x'.repeat(300)]);
    }
    const single = run(bytes, Array.from({ length: bytes.length }, (_, i) => i), true);
    expect(single.passed.equals(others)).toBe(true);
    expect(single.rows).toHaveLength(2);
  });

  it('passes data rows on untouched when bytes are not wanted', () => {
    const { rows, passed } = run(bytes, [7, 40], false);
    expect(rows).toEqual([]);
    expect(passed.equals(bytes)).toBe(true);
  });
});
