import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMigrations } from '../../../gateway/database/index.js';
import { compileCaptureStatements, syncEventTriggers, type CaptureSpec } from '../../../gateway/events/capture/index.js';
import { introspectDatabase } from '../../../schema/introspect/index.js';
import type { Metadata } from '../../../schema/metadata/metadata.js';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.js';

/** Names that would break naive SQL: quotes, spaces, a dollar-quote tag, a comment. */
const table = { schema: 'we"ird schema', name: 'ta$sluice$ble' };

const spec: CaptureSpec = {
  name: 'odd-name_1',
  table,
  enableManual: false,
  operations: [{ op: 'UPDATE', columns: ['co"l', 'x$sluice$y'], payload: ['id', "it's", 'x$sluice$y'] }],
};

describe('compileCaptureStatements', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase('sluice_capture');
    await runMigrations(db.url, { example: false }, pino({ level: 'silent' }));
    await db.pool.query(`CREATE SCHEMA "we""ird schema";
      CREATE TABLE "we""ird schema"."ta$sluice$ble" (id int, "co""l" text, "it's" text, "x$sluice$y" int, "a -- b" text)`);
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('quotes every identifier and picks dollar-quote tags the quoted text does not contain', () => {
    const s = compileCaptureStatements(spec, spec.operations[0]!);
    expect(s.functionName).toBe('notify_odd-name_1_UPDATE');
    expect(s.createTrigger).toBe(
      'CREATE TRIGGER "notify_odd-name_1_UPDATE" AFTER UPDATE ON "we""ird schema"."ta$sluice$ble" FOR EACH ROW' +
        ' WHEN (jsonb_build_array(OLD."co""l", OLD."x$sluice$y") IS DISTINCT FROM jsonb_build_array(NEW."co""l", NEW."x$sluice$y")' +
        ' AND (ROW(NEW."id", NEW."it\'s", NEW."x$sluice$y") IS NULL OR true))' +
        // The table the event names, as arguments: dollar-quoted with a tag the name does not contain.
        ' EXECUTE FUNCTION sluice."notify_odd-name_1_UPDATE"($sluice$we"ird schema$sluice$, $sluice1$ta$sluice$ble$sluice1$)',
    );
    expect(s.createFunction).toContain('AS $sluice1$');
    expect(s.createFunction).toContain(`(SELECT to_jsonb(r) FROM (SELECT OLD."id", OLD."it's", OLD."x$sluice$y") AS r)`);
    expect(s.createFunction).toContain('TG_ARGV[0], TG_ARGV[1]');
    // A name ending in the tag's prefix would close `$sluice$…$sluice$` early.
    const edge = compileCaptureStatements({ ...spec, table: { schema: 'public', name: 'ends$sluice' } }, { op: 'INSERT', columns: '*', payload: '*' });
    expect(edge.createTrigger).toContain('($sluice$public$sluice$, $sluice1$ends$sluice$sluice1$)');
    expect(s.comment).toMatch(/^COMMENT ON FUNCTION sluice\."notify_odd-name_1_UPDATE"\(\) IS 'sluice event trigger [0-9a-f]{24}'$/);
  });

  it('installs and captures on such a table', async () => {
    const metadata: Metadata = {
      version: 3,
      sources: [{ name: 'default', kind: 'postgres', tables: [{ table, event_triggers: [{ name: spec.name, definition: { update: { columns: spec.operations[0]!.columns, payload: spec.operations[0]!.payload } } }] }] }],
    };
    const client = await db.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await syncEventTriggers(client, metadata, await introspectDatabase(db.pool));
      await client.query('COMMIT');
      expect(result.installed).toEqual(['notify_odd-name_1_UPDATE']);
      await client.query('BEGIN');
      expect((await syncEventTriggers(client, metadata, () => introspectDatabase(db.pool))).installed).toEqual([]);
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    const t = '"we""ird schema"."ta$sluice$ble"';
    await db.pool.query(`INSERT INTO ${t} VALUES (1, 'c', 'q', 5, 'z')`);
    await db.pool.query(`UPDATE ${t} SET "a -- b" = 'not listened'`);
    await db.pool.query(`UPDATE ${t} SET "x$sluice$y" = 6`);
    const { rows } = await db.pool.query('SELECT trigger_name, schema_name, table_name, op, data FROM sluice.event_log');
    expect(rows).toEqual([
      { trigger_name: 'odd-name_1', schema_name: 'we"ird schema', table_name: 'ta$sluice$ble', op: 'UPDATE',
        data: { old: { id: 1, "it's": 'q', x$sluice$y: 5 }, new: { id: 1, "it's": 'q', x$sluice$y: 6 } } },
    ]);
  });
});
