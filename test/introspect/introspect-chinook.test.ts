import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { introspectDatabase } from '../../schema/introspect/index.js';
import { tableKey } from '../../schema/model/database-model.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

// The shared dataset lives next to the repository, not in it; without it this file skips.
const chinookPath = fileURLToPath(new URL('../../../shared/datasets/chinook/Chinook_PostgreSql.sql', import.meta.url));

/** The Chinook script minus its DROP/CREATE DATABASE and `\c` prelude, which need psql. */
function chinookSql(): string {
  const script = readFileSync(chinookPath, 'utf8');
  return script.slice(script.indexOf('CREATE TABLE'));
}

describe.skipIf(!existsSync(chinookPath))('introspectDatabase on Chinook', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('sluice_introspect');
    await db.pool.query(chinookSql());
  });
  afterAll(async () => {
    await db.drop();
  });

  it('reads the 11 tables and their keys in one short catalog query', async () => {
    await introspectDatabase(db.pool); // warm the connection and the catalog caches
    const runs: number[] = [];
    let model = await introspectDatabase(db.pool);
    for (let i = 0; i < 10; i += 1) {
      const started = performance.now();
      model = await introspectDatabase(db.pool);
      runs.push(performance.now() - started);
    }
    runs.sort((a, b) => a - b);
    console.info(`chinook introspection: median ${runs[5]!.toFixed(1)} ms, min ${runs[0]!.toFixed(1)} ms over 10 runs`);
    expect(model.tables.size).toBe(11);
    const track = model.tables.get(tableKey({ schema: 'public', name: 'track' }))!;
    expect(track.primaryKey).toEqual({ name: 'track_pkey', columns: ['track_id'], source: 'constraint' });
    expect(track.foreignKeys.map((fk) => [fk.columns, fk.references.name, fk.referencedColumns])).toEqual([
      [['album_id'], 'album', ['album_id']],
      [['genre_id'], 'genre', ['genre_id']],
      [['media_type_id'], 'media_type', ['media_type_id']],
    ]);
    const playlistTrack = model.tables.get(tableKey({ schema: 'public', name: 'playlist_track' }))!;
    expect(playlistTrack.primaryKey?.columns).toEqual(['playlist_id', 'track_id']);
    // Generous: this guards against an accidentally quadratic query, not against a slow CI box.
    expect(runs[5]).toBeLessThan(500);
  });
});
