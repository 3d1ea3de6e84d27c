/**
 * Hasura compiles each query root field to one SQL statement, with relationships as lateral joins
 * inside it (reference §14), and Sluice goes further: all SQL root fields of a request share one
 * statement. This file counts what Postgres is actually asked to run.
 *
 * How statements are counted: `pg_stat_statements` needs `shared_preload_libraries`, which the
 * shared embedded test server does not set (and restarting it would disturb other files);
 * `pg_stat_database` counters are flushed asynchronously and count transactions, not statements.
 * So the gateway's pool connects through a small TCP proxy that reads the wire protocol and
 * records every Query and Execute message: each is one statement Postgres runs, whatever code
 * path inside the gateway or `pg` sent it. The proxy forwards bytes unchanged — nothing in the
 * gateway or in `pg` is replaced or wrapped.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { startStatementCountingProxy, type StatementCountingProxy } from '../support/statement-counting-proxy.js';
import { dataOf, startTestGateway, type TestGateway } from '../support/test-gateway.js';

let g: TestGateway;
let proxy: StatementCountingProxy;

const nestedQuery = `query ($artists: [Int!]!) {
  artist(where: {artist_id: {_in: $artists}}, order_by: {artist_id: asc}, limit: 2) {
    artist_id
    albums(where: {title: {_ilike: "%a%"}}, order_by: {album_id: asc}, limit: 2) {
      album_id
      tracks(where: {milliseconds: {_gt: 100000}}, order_by: {track_id: asc}, limit: 3) { track_id }
    }
  }
}`;

/** The same result built by hand from SQL, level by level. */
async function expectedNested(artistIds: number[]): Promise<unknown[]> {
  const query = async <T>(text: string, params: unknown[]) => (await g.db.pool.query(text, params)).rows as T[];
  const artists = await query<{ artist_id: number }>('SELECT artist_id FROM artist WHERE artist_id = ANY($1) ORDER BY artist_id LIMIT 2', [artistIds]);
  return Promise.all(artists.map(async ({ artist_id }) => {
    const albums = await query<{ album_id: number }>("SELECT album_id FROM album WHERE artist_id = $1 AND title ILIKE '%a%' ORDER BY album_id LIMIT 2", [artist_id]);
    return {
      artist_id,
      albums: await Promise.all(albums.map(async ({ album_id }) => ({
        album_id,
        tracks: await query('SELECT track_id FROM track WHERE album_id = $1 AND milliseconds > 100000 ORDER BY track_id LIMIT 3', [album_id]),
      }))),
    };
  }));
}

beforeAll(async () => {
  const server = new URL(inject('adminDatabaseUrl'));
  proxy = await startStatementCountingProxy({ host: server.hostname, port: Number(server.port || 5432) });
  g = await startTestGateway({ example: true, poolUrl: (url) => proxy.route(url) });
  // The gateway's start-up work in the background (the reload listener's one catch-up reload)
  // also goes through the pool; let it finish so that only requests are counted.
  await new Promise((resolve) => setTimeout(resolve, 1500));
});

afterAll(async () => {
  await g?.close();
  await proxy?.close();
});

beforeEach(() => {
  proxy.reset();
});

describe('statements per request', () => {
  it('sees the statements of the gateway pool (the counter itself works)', async () => {
    await g.request('/healthz');
    expect(proxy.statements).toEqual([{ kind: 'query', text: 'SELECT 1', answersBefore: expect.any(Number) }]);
  });

  it('runs one statement for a three-level nested root field with where and limit at each level', async () => {
    const result = await g.graphql(nestedQuery, { artists: [1, 90, 22] });
    expect(proxy.statements).toHaveLength(1);
    const [statement] = proxy.statements;
    expect(statement!.text).toContain('"public"."artist"');
    expect(statement!.text).toContain('"public"."album"');
    expect(statement!.text).toContain('"public"."track"');
    const expected = await expectedNested([1, 90, 22]);
    expect((expected as { albums: unknown[] }[]).every((a) => a.albums.length > 0)).toBe(true);
    expect(dataOf(result)).toEqual({ artist: expected });
  });

  it('still runs one statement when the plan is reused with other variables', async () => {
    await g.graphql(nestedQuery, { artists: [1, 90, 22] });
    proxy.reset();
    const result = await g.graphql(nestedQuery, { artists: [50, 51, 52] });
    expect(proxy.statements).toHaveLength(1);
    expect(dataOf(result)).toEqual({ artist: await expectedNested([50, 51, 52]) });
  });

  it('runs at most one statement per root field for two root fields', async () => {
    const result = await g.graphql(`{
      album(where: {album_id: {_eq: 5}}) { title artist { name } }
      track_aggregate(where: {album_id: {_eq: 5}}) { aggregate { count } }
    }`);
    expect(proxy.statements.length).toBeGreaterThanOrEqual(1);
    expect(proxy.statements.length).toBeLessThanOrEqual(2);
    const album = (await g.db.pool.query('SELECT al.title, ar.name FROM album al JOIN artist ar USING (artist_id) WHERE album_id = 5')).rows[0] as { title: string; name: string };
    const [{ n }] = (await g.db.pool.query('SELECT count(*)::int AS n FROM track WHERE album_id = 5')).rows as [{ n: number }];
    expect(dataOf(result)).toEqual({ album: [{ title: album.title, artist: { name: album.name } }], track_aggregate: { aggregate: { count: n } } });
  });

  it('runs no statement for a request that needs no data', async () => {
    const result = await g.graphql('{ __typename __type(name: "genre") { name } }');
    expect(dataOf(result)).toEqual({ __typename: 'query_root', __type: { name: 'genre' } });
    expect(proxy.statements).toEqual([]);
  });

  it('runs no statement for a request that fails validation', async () => {
    await g.graphql('{ artist(limit: -1) { name } }');
    expect(proxy.statements).toEqual([]);
  });
});
