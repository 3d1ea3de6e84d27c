/**
 * Larger copies of Chinook, generated deterministically in SQL: copy k (1 ≤ k < scale) of every
 * row of the per-customer and per-catalogue tables is the original row with its ids shifted by
 * k × a stride above the table's largest original id. Names and values stay the same, so each copy
 * answers like the original; the lookup tables (genre, media_type, employee) are shared. At scale
 * 100 that is 27,500 artists, 34,700 albums, 350,300 tracks and 871,500 playlist entries.
 *
 * Copies are added to what is there, so growing 1 → 10 → 100 in one run reuses the earlier
 * copies. A VACUUM ANALYZE follows, so plans see the new sizes.
 */
import pg from 'pg';

/** Largest original id below each stride, checked before copying. */
const strides = { artist: 1_000, album: 1_000, track: 10_000, customer: 100, invoice: 1_000, invoice_line: 10_000, playlist: 100 } as const;

const copySql = (s: typeof strides): string => `
  INSERT INTO artist (artist_id, name)
    SELECT artist_id + k * ${s.artist}, name FROM artist, generate_series($1::int, $2::int) k WHERE artist_id < ${s.artist};
  INSERT INTO album (album_id, title, artist_id)
    SELECT album_id + k * ${s.album}, title, artist_id + k * ${s.artist} FROM album, generate_series($1::int, $2::int) k WHERE album_id < ${s.album};
  INSERT INTO track (track_id, name, album_id, media_type_id, genre_id, composer, milliseconds, bytes, unit_price)
    SELECT track_id + k * ${s.track}, name, album_id + k * ${s.album}, media_type_id, genre_id, composer, milliseconds, bytes, unit_price
    FROM track, generate_series($1::int, $2::int) k WHERE track_id < ${s.track};
  INSERT INTO customer (customer_id, first_name, last_name, company, address, city, state, country, postal_code, phone, fax, email, support_rep_id)
    SELECT customer_id + k * ${s.customer}, first_name, last_name, company, address, city, state, country, postal_code, phone, fax, email, support_rep_id
    FROM customer, generate_series($1::int, $2::int) k WHERE customer_id < ${s.customer};
  INSERT INTO invoice (invoice_id, customer_id, invoice_date, billing_address, billing_city, billing_state, billing_country, billing_postal_code, total)
    SELECT invoice_id + k * ${s.invoice}, customer_id + k * ${s.customer}, invoice_date, billing_address, billing_city, billing_state, billing_country, billing_postal_code, total
    FROM invoice, generate_series($1::int, $2::int) k WHERE invoice_id < ${s.invoice};
  INSERT INTO invoice_line (invoice_line_id, invoice_id, track_id, unit_price, quantity)
    SELECT invoice_line_id + k * ${s.invoice_line}, invoice_id + k * ${s.invoice}, track_id + k * ${s.track}, unit_price, quantity
    FROM invoice_line, generate_series($1::int, $2::int) k WHERE invoice_line_id < ${s.invoice_line};
  INSERT INTO playlist (playlist_id, name)
    SELECT playlist_id + k * ${s.playlist}, name FROM playlist, generate_series($1::int, $2::int) k WHERE playlist_id < ${s.playlist};
  INSERT INTO playlist_track (playlist_id, track_id)
    SELECT playlist_id + k * ${s.playlist}, track_id + k * ${s.track}
    FROM playlist_track, generate_series($1::int, $2::int) k WHERE playlist_id < ${s.playlist};`;

const maxIdsSql = `SELECT
  (SELECT max(artist_id) FROM artist) AS artist,
  (SELECT max(album_id) FROM album) AS album, (SELECT max(track_id) FROM track) AS track,
  (SELECT max(customer_id) FROM customer) AS customer, (SELECT max(invoice_id) FROM invoice) AS invoice,
  (SELECT max(invoice_line_id) FROM invoice_line) AS invoice_line, (SELECT max(playlist_id) FROM playlist) AS playlist`;


/** Grows the data to `scale` copies (no-op when already there); returns the seconds it took. */
export async function growChinook(url: string, scale: number): Promise<number> {
  const started = performance.now();
  const client = new pg.Client({ connectionString: url, application_name: 'sluice-bench-grow' });
  await client.connect();
  try {
    const row = (await client.query<Record<string, number | null>>(maxIdsSql)).rows[0]!;
    // Copy k's artists start at k × the stride, so the largest artist id tells how many are loaded.
    const have = Math.floor((row.artist ?? 0) / strides.artist) + 1;
    if (have === 1) {
      // Only the originals: they must fit under the strides, or copies would collide with them.
      for (const [table, stride] of Object.entries(strides)) {
        if ((row[table] ?? 0) >= stride) throw new Error(`grow-chinook: ${table} has ids up to ${row[table]}, not below the stride ${stride}`);
      }
    }
    if (have >= scale) return 0;
    await client.query('BEGIN');
    // The copies are consistent by construction: skipping the per-row foreign-key triggers makes
    // ×100 several times faster (the bench connects as the superuser, which may do this).
    await client.query('SET LOCAL session_replication_role = replica');
    // One multi-statement query cannot take parameters: the copy range is bound per statement.
    for (const statement of copySql(strides).split(';').map((part) => part.trim()).filter(Boolean)) {
      await client.query(statement, [have, scale - 1]);
    }
    await client.query('COMMIT');
    await client.query('VACUUM ANALYZE');
    return (performance.now() - started) / 1000;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}
