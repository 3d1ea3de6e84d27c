/**
 * The read side end to end on the Chinook example: every answer is checked against a direct SQL
 * query on the same database, never against hand-copied numbers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, errorOf, startTestGateway, type TestGateway } from '../support/test-gateway.js';

let g: TestGateway;

async function rows<T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
  return (await g.db.pool.query(text, params)).rows as T[];
}

/** Track ids of a `where`, as the gateway answers them. */
async function trackIds(where: unknown): Promise<number[]> {
  const data = dataOf(await g.graphql('query ($w: track_bool_exp!) { track(where: $w, order_by: {track_id: asc}) { track_id } }', { w: where }));
  return (data.track as { track_id: number }[]).map((t) => t.track_id);
}

async function sqlTrackIds(condition: string, params: unknown[] = []): Promise<number[]> {
  return (await rows<{ track_id: number }>(`SELECT track_id FROM track WHERE ${condition} ORDER BY track_id`, params)).map((r) => r.track_id);
}

async function docIds(where: unknown): Promise<number[]> {
  const data = dataOf(await g.graphql('query ($w: doc_bool_exp!) { doc(where: $w, order_by: {id: asc}) { id } }', { w: where }));
  return (data.doc as { id: number }[]).map((d) => d.id);
}

async function sqlDocIds(condition: string, params: unknown[] = []): Promise<number[]> {
  return (await rows<{ id: number }>(`SELECT id FROM doc WHERE ${condition} ORDER BY id`, params)).map((r) => r.id);
}

beforeAll(async () => {
  g = await startTestGateway({ example: true });
  // Created through the admin API so the gateway reloads and auto-tracks it, as a user would.
  await g.runSql(`
    CREATE TABLE doc (id int PRIMARY KEY, data jsonb, tags text[]);
    INSERT INTO doc VALUES
      (1, '{"a": 1, "b": {"c": "x"}, "list": [10, 20]}', '{red,blue}'),
      (2, '{"a": 2, "b": {"c": "y"}}', '{blue}'),
      (3, '{"name": "it''s", "key with space": true}', '{}'),
      (4, NULL, NULL),
      (5, '{"a": 1, "k": "v"}', '{red}');`);
});

afterAll(async () => {
  await g?.close();
});

describe('list queries', () => {
  it('applies where, order_by, limit and offset like SQL', async () => {
    const data = dataOf(await g.graphql('{ album(where: {artist_id: {_eq: 90}}, order_by: {title: desc}, limit: 5, offset: 2) { album_id title } }'));
    const expected = await rows('SELECT album_id, title FROM album WHERE artist_id = 90 ORDER BY title DESC LIMIT 5 OFFSET 2');
    expect(expected).toHaveLength(5);
    expect(data.album).toEqual(expected);
  });

  it('keeps the first row per distinct_on key in order_by order', async () => {
    const data = dataOf(await g.graphql(`{
      track(distinct_on: [album_id], order_by: [{album_id: asc}, {milliseconds: desc}, {track_id: asc}], where: {album_id: {_lte: 10}}) {
        album_id track_id milliseconds
      } }`));
    const expected = await rows(`SELECT DISTINCT ON (album_id) album_id, track_id, milliseconds FROM track
      WHERE album_id <= 10 ORDER BY album_id ASC, milliseconds DESC, track_id ASC`);
    expect(expected).toHaveLength(10);
    expect(data.track).toEqual(expected);
  });

  it('answers _by_pk with the row, or null when no row has that key', async () => {
    const data = dataOf(await g.graphql('{ found: artist_by_pk(artist_id: 90) { artist_id name } missing: artist_by_pk(artist_id: 999999) { name } }'));
    expect(data.found).toEqual((await rows('SELECT artist_id, name FROM artist WHERE artist_id = 90'))[0]);
    expect(data.missing).toBeNull();
  });

  it('answers a composite-key _by_pk', async () => {
    const [first] = await rows<{ playlist_id: number; track_id: number }>('SELECT playlist_id, track_id FROM playlist_track ORDER BY 1, 2 OFFSET 7 LIMIT 1');
    const data = dataOf(await g.graphql('query ($p: Int!, $t: Int!) { playlist_track_by_pk(playlist_id: $p, track_id: $t) { playlist_id track_id } }', { p: first!.playlist_id, t: first!.track_id }));
    expect(data.playlist_track_by_pk).toEqual(first);
  });
});

describe('aggregates', () => {
  it('computes count, distinct count and the numeric and comparable functions like SQL', async () => {
    const data = dataOf(await g.graphql(`{ track_aggregate(where: {genre_id: {_eq: 1}}) { aggregate {
      count
      composers: count(columns: [composer], distinct: true)
      composerRows: count(columns: [composer])
      sum { milliseconds bytes }
      avg { milliseconds }
      max { milliseconds name }
      min { milliseconds name }
      stddev { milliseconds }
      variance { milliseconds }
    } } }`));
    const [s] = await rows<Record<string, string | number>>(`SELECT count(*)::int AS count, count(DISTINCT composer)::int AS composers,
      count(composer)::int AS composer_rows, sum(milliseconds)::float8 AS sum_ms, sum(bytes)::float8 AS sum_bytes,
      avg(milliseconds)::float8 AS avg_ms, max(milliseconds) AS max_ms, max(name) AS max_name, min(milliseconds) AS min_ms,
      min(name) AS min_name, stddev(milliseconds)::float8 AS stddev_ms, variance(milliseconds)::float8 AS var_ms
      FROM track WHERE genre_id = 1`);
    const aggregate = (data.track_aggregate as { aggregate: Record<string, Record<string, number | string> | number> }).aggregate;
    expect(aggregate.count).toBe(s!.count);
    expect(aggregate.composers).toBe(s!.composers);
    expect(aggregate.composerRows).toBe(s!.composer_rows);
    expect(aggregate.composers).toBeLessThan(aggregate.composerRows as number);
    expect(aggregate.sum).toEqual({ milliseconds: s!.sum_ms, bytes: s!.sum_bytes });
    expect((aggregate.avg as Record<string, number>).milliseconds).toBeCloseTo(s!.avg_ms as number, 6);
    expect(aggregate.max).toEqual({ milliseconds: s!.max_ms, name: s!.max_name });
    expect(aggregate.min).toEqual({ milliseconds: s!.min_ms, name: s!.min_name });
    expect((aggregate.stddev as Record<string, number>).milliseconds).toBeCloseTo(s!.stddev_ms as number, 6);
    expect((aggregate.variance as Record<string, number>).milliseconds / (s!.var_ms as number)).toBeCloseTo(1, 9);
  });

  it('counts distinct combinations of several columns like COUNT(DISTINCT (a, b))', async () => {
    const data = dataOf(await g.graphql(`{ track_aggregate(where: {album_id: {_lt: 20}}) { aggregate {
      pairs: count(columns: [composer, genre_id], distinct: true) composers: count(columns: [composer], distinct: true) } } }`));
    const [s] = await rows<{ pairs: number; composers: number }>(
      'SELECT count(DISTINCT (composer, genre_id))::int AS pairs, count(DISTINCT composer)::int AS composers FROM track WHERE album_id < 20');
    expect(data.track_aggregate).toEqual({ aggregate: { pairs: s!.pairs, composers: s!.composers } });
  });

  it('returns nodes beside the aggregate, limited by the same arguments', async () => {
    const data = dataOf(await g.graphql(`{ invoice_aggregate(where: {billing_country: {_eq: "Germany"}}, order_by: {invoice_id: asc}, limit: 3) {
      aggregate { count sum { total } } nodes { invoice_id total } } }`));
    const nodes = await rows<{ invoice_id: number; total: string }>("SELECT invoice_id, total FROM invoice WHERE billing_country = 'Germany' ORDER BY invoice_id LIMIT 3");
    const result = data.invoice_aggregate as { aggregate: { count: number; sum: { total: number } }; nodes: unknown[] };
    expect(result.nodes).toEqual(nodes.map((n) => ({ invoice_id: n.invoice_id, total: Number(n.total) })));
    expect(result.aggregate.count).toBe(3);
    expect(result.aggregate.sum.total).toBeCloseTo(nodes.reduce((sum, n) => sum + Number(n.total), 0), 9);
  });

  it('answers an empty aggregate with count 0 and null functions', async () => {
    const data = dataOf(await g.graphql('{ track_aggregate(where: {track_id: {_lt: 0}}) { aggregate { count sum { milliseconds } max { name } } } }'));
    expect(data.track_aggregate).toEqual({ aggregate: { count: 0, sum: { milliseconds: null }, max: { name: null } } });
  });
});

describe('relationships', () => {
  it('nests object and array relationships, each with its own arguments', async () => {
    const data = dataOf(await g.graphql(`{
      artist(where: {artist_id: {_in: [1, 90, 22]}}, order_by: {artist_id: asc}) {
        name
        albums(where: {title: {_ilike: "%a%"}}, order_by: {title: asc}, limit: 2) {
          title
          artist { artist_id }
          tracks(order_by: {milliseconds: desc}, limit: 2, where: {milliseconds: {_gt: 200000}}) { name milliseconds genre { name } }
        }
      } }`));
    const artists = await rows<{ artist_id: number; name: string }>('SELECT artist_id, name FROM artist WHERE artist_id IN (1, 90, 22) ORDER BY artist_id');
    const expected = [];
    for (const artist of artists) {
      const albums = await rows<{ album_id: number; title: string }>(
        "SELECT album_id, title FROM album WHERE artist_id = $1 AND title ILIKE '%a%' ORDER BY title LIMIT 2", [artist.artist_id]);
      const nestedAlbums = [];
      for (const album of albums) {
        const tracks = await rows<{ name: string; milliseconds: number; genre: string }>(
          `SELECT t.name, t.milliseconds, g.name AS genre FROM track t LEFT JOIN genre g USING (genre_id)
           WHERE t.album_id = $1 AND t.milliseconds > 200000 ORDER BY t.milliseconds DESC LIMIT 2`, [album.album_id]);
        nestedAlbums.push({ title: album.title, artist: { artist_id: artist.artist_id }, tracks: tracks.map((t) => ({ name: t.name, milliseconds: t.milliseconds, genre: { name: t.genre } })) });
      }
      expected.push({ name: artist.name, albums: nestedAlbums });
    }
    expect(expected.flatMap((a) => a.albums).length).toBeGreaterThan(2);
    expect(data.artist).toEqual(expected);
  });

  it('follows self-referencing object and array relationships (employee.employee, employee.employees)', async () => {
    const data = dataOf(await g.graphql(`{ employee(order_by: {employee_id: asc}) {
      employee_id employee { employee_id } employees(order_by: {employee_id: asc}) { employee_id } } }`));
    const all = await rows<{ employee_id: number; reports_to: number | null }>('SELECT employee_id, reports_to FROM employee ORDER BY employee_id');
    expect(all.some((e) => e.reports_to === null)).toBe(true);
    expect(data.employee).toEqual(all.map((e) => ({
      employee_id: e.employee_id,
      employee: e.reports_to === null ? null : { employee_id: e.reports_to },
      employees: all.filter((r) => r.reports_to === e.employee_id).map((r) => ({ employee_id: r.employee_id })),
    })));
  });

  it('answers <rel>_aggregate with its own where', async () => {
    const data = dataOf(await g.graphql(`{ album(where: {album_id: {_in: [1, 2, 3]}}, order_by: {album_id: asc}) {
      album_id
      long: tracks_aggregate(where: {milliseconds: {_gt: 300000}}) { aggregate { count max { milliseconds } } nodes { track_id } }
      all: tracks_aggregate { aggregate { count } }
    } }`));
    const expected = [];
    for (const id of [1, 2, 3]) {
      const long = await rows<{ track_id: number; milliseconds: number }>('SELECT track_id, milliseconds FROM track WHERE album_id = $1 AND milliseconds > 300000', [id]);
      const [all] = await rows<{ n: number }>('SELECT count(*)::int AS n FROM track WHERE album_id = $1', [id]);
      expected.push({
        album_id: id,
        long: {
          aggregate: { count: long.length, max: { milliseconds: long.length ? Math.max(...long.map((t) => t.milliseconds)) : null } },
          nodes: expect.arrayContaining(long.map((t) => ({ track_id: t.track_id }))),
        },
        all: { aggregate: { count: all!.n } },
      });
    }
    expect(data.album).toEqual(expected);
  });
});

describe('ordering', () => {
  it('orders by an object relationship column', async () => {
    const data = dataOf(await g.graphql('{ album(order_by: [{artist: {name: desc}}, {album_id: asc}], limit: 12) { album_id } }'));
    const expected = await rows('SELECT al.album_id FROM album al JOIN artist ar USING (artist_id) ORDER BY ar.name DESC NULLS FIRST, al.album_id LIMIT 12');
    expect(data.album).toEqual(expected);
  });

  it('orders by an array relationship count, with ties broken by the next key', async () => {
    const data = dataOf(await g.graphql('{ artist(order_by: [{albums_aggregate: {count: desc}}, {artist_id: asc}], limit: 8) { artist_id albums_aggregate { aggregate { count } } } }'));
    const expected = await rows<{ artist_id: number; n: number }>(
      'SELECT a.artist_id, (SELECT count(*)::int FROM album WHERE artist_id = a.artist_id) AS n FROM artist a ORDER BY n DESC, a.artist_id LIMIT 8');
    expect(data.artist).toEqual(expected.map((r) => ({ artist_id: r.artist_id, albums_aggregate: { aggregate: { count: r.n } } })));
  });

  it('orders by an array relationship aggregate function, nulls where asked', async () => {
    // Artists without albums have max(title) = NULL: asc_nulls_first puts them first.
    const data = dataOf(await g.graphql('{ artist(order_by: [{albums_aggregate: {max: {title: asc_nulls_first}}}, {artist_id: asc}], limit: 80) { artist_id } }'));
    const expected = await rows('SELECT a.artist_id FROM artist a ORDER BY (SELECT max(title) FROM album WHERE artist_id = a.artist_id) ASC NULLS FIRST, a.artist_id LIMIT 80');
    expect(data.artist).toEqual(expected);
  });

  it.each([
    ['asc', 'ASC NULLS LAST'],
    ['asc_nulls_first', 'ASC NULLS FIRST'],
    ['desc', 'DESC NULLS FIRST'],
    ['desc_nulls_last', 'DESC NULLS LAST'],
  ])('places nulls for %s as SQL %s', async (direction, sqlDirection) => {
    // 49 customers have no company, so the first and last 60 rows cross the null boundary.
    const data = dataOf(await g.graphql(`{ customer(order_by: [{company: ${direction}}, {customer_id: asc}]) { customer_id } }`));
    const expected = await rows(`SELECT customer_id FROM customer ORDER BY company ${sqlDirection}, customer_id`);
    expect(data.customer).toEqual(expected);
  });

  it('places nulls when ordering by a nullable column of an object relationship', async () => {
    const data = dataOf(await g.graphql('{ invoice(order_by: [{customer: {company: desc_nulls_last}}, {invoice_id: asc}]) { invoice_id } }'));
    const expected = await rows('SELECT i.invoice_id FROM invoice i JOIN customer c USING (customer_id) ORDER BY c.company DESC NULLS LAST, i.invoice_id');
    expect(data.invoice).toEqual(expected);
  });
});

describe('comparison operators', () => {
  it.each<[string, unknown, string, unknown[]?]>([
    ['_eq', { album_id: { _eq: 5 } }, 'album_id = 5'],
    ['_neq', { album_id: { _neq: 5 }, genre_id: { _eq: 3 } }, 'album_id <> 5 AND genre_id = 3'],
    ['_gt', { milliseconds: { _gt: 1000000 } }, 'milliseconds > 1000000'],
    ['_lt', { milliseconds: { _lt: 30000 } }, 'milliseconds < 30000'],
    ['_gte', { track_id: { _gte: 3490 } }, 'track_id >= 3490'],
    ['_lte', { track_id: { _lte: 4 } }, 'track_id <= 4'],
    ['_in', { genre_id: { _in: [23, 25] } }, 'genre_id IN (23, 25)'],
    ['_nin', { genre_id: { _nin: [1, 2, 3, 4, 7] } }, 'genre_id NOT IN (1, 2, 3, 4, 7)'],
    ['_in with an empty list (nothing)', { genre_id: { _in: [] } }, 'false'],
    ['_nin with an empty list (everything)', { genre_id: { _nin: [] }, album_id: { _eq: 3 } }, 'album_id = 3'],
    ['_is_null true', { composer: { _is_null: true }, album_id: { _lt: 30 } }, 'composer IS NULL AND album_id < 30'],
    ['_is_null false', { composer: { _is_null: false }, album_id: { _lt: 10 } }, 'composer IS NOT NULL AND album_id < 10'],
    ['numeric _gt as a string', { unit_price: { _gt: '0.99' } }, 'unit_price > 0.99'],
    ['text _gt', { name: { _gt: 'Zz' } }, "name > 'Zz'"],
    ['_like', { name: { _like: '%Love%' } }, "name LIKE '%Love%'"],
    ['_nlike', { name: { _nlike: '%e%' } }, "name NOT LIKE '%e%'"],
    ['_ilike', { name: { _ilike: '%love%' } }, "name ILIKE '%love%'"],
    ['_nilike', { name: { _nilike: '%e%' } }, "name NOT ILIKE '%e%'"],
    ['_similar', { name: { _similar: '(Love|Hate)%' } }, "name SIMILAR TO '(Love|Hate)%'"],
    ['_nsimilar', { name: { _nsimilar: '%(a|e|i|o|u)%' } }, "name NOT SIMILAR TO '%(a|e|i|o|u)%'"],
    ['_regex', { name: { _regex: '^The [A-M]' } }, "name ~ '^The [A-M]'"],
    ['_iregex', { name: { _iregex: '^the [a-m]' } }, "name ~* '^the [a-m]'"],
    ['_nregex', { name: { _nregex: '[aeiou]' } }, "name !~ '[aeiou]'"],
    ['_niregex', { name: { _niregex: '[aeiou]' } }, "name !~* '[aeiou]'"],
    ['_and', { _and: [{ genre_id: { _eq: 1 } }, { milliseconds: { _gt: 600000 } }] }, 'genre_id = 1 AND milliseconds > 600000'],
    ['_or', { _or: [{ genre_id: { _eq: 25 } }, { media_type_id: { _eq: 4 } }] }, 'genre_id = 25 OR media_type_id = 4'],
    ['_not', { _not: { genre_id: { _lte: 20 } } }, 'NOT (genre_id <= 20)'],
    ['_or: [] (false)', { _or: [] }, 'false'],
    ['_and: [] (true)', { _and: [], album_id: { _eq: 2 } }, 'album_id = 2'],
    ['nested _not/_or/_and', { _not: { _or: [{ genre_id: { _neq: 1 } }, { _and: [{ milliseconds: { _lt: 400000 } }] }] } }, 'NOT (genre_id <> 1 OR milliseconds < 400000)'],
  ])('%s matches the same rows as SQL', async (_name, where, condition, params) => {
    const expected = await sqlTrackIds(condition, params);
    expect(await trackIds(where)).toEqual(expected);
  });

  it('treats {} as true', async () => {
    const [{ n }] = (await rows<{ n: number }>('SELECT count(*)::int AS n FROM track')) as [{ n: number }];
    expect((await trackIds({})).length).toBe(n);
  });

  it('filters through an object relationship', async () => {
    const data = dataOf(await g.graphql('{ album(where: {artist: {name: {_eq: "Iron Maiden"}}}, order_by: {album_id: asc}) { album_id } }'));
    expect(data.album).toEqual(await rows("SELECT album_id FROM album WHERE artist_id IN (SELECT artist_id FROM artist WHERE name = 'Iron Maiden') ORDER BY album_id"));
  });

  it('filters through an array relationship with exists semantics', async () => {
    const data = dataOf(await g.graphql('{ artist(where: {albums: {title: {_ilike: "%live%"}}}, order_by: {artist_id: asc}) { artist_id } }'));
    const expected = await rows("SELECT artist_id FROM artist a WHERE EXISTS (SELECT 1 FROM album WHERE artist_id = a.artist_id AND title ILIKE '%live%') ORDER BY artist_id");
    expect(expected.length).toBeGreaterThan(1);
    expect(data.artist).toEqual(expected);
  });

  it('reads {albums: {}} as "has at least one album"', async () => {
    const data = dataOf(await g.graphql('{ artist_aggregate(where: {albums: {}}) { aggregate { count } } none: artist_aggregate(where: {_not: {albums: {}}}) { aggregate { count } } }'));
    const [s] = await rows<{ has: number; none: number }>(`SELECT count(*) FILTER (WHERE EXISTS (SELECT 1 FROM album WHERE artist_id = a.artist_id))::int AS has,
      count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM album WHERE artist_id = a.artist_id))::int AS none FROM artist a`);
    expect(data).toEqual({ artist_aggregate: { aggregate: { count: s!.has } }, none: { aggregate: { count: s!.none } } });
  });

  it('filters by an aggregation predicate, with and without a filter', async () => {
    const data = dataOf(await g.graphql(`{
      many: artist(where: {albums_aggregate: {count: {predicate: {_gt: 2}}}}, order_by: {artist_id: asc}) { artist_id }
      filtered: artist(where: {albums_aggregate: {count: {predicate: {_gte: 2}, filter: {title: {_ilike: "%greatest%"}}}}}, order_by: {artist_id: asc}) { artist_id }
    }`));
    expect(data.many).toEqual(await rows('SELECT artist_id FROM artist a WHERE (SELECT count(*) FROM album WHERE artist_id = a.artist_id) > 2 ORDER BY artist_id'));
    expect(data.filtered).toEqual(await rows(
      "SELECT artist_id FROM artist a WHERE (SELECT count(*) FROM album WHERE artist_id = a.artist_id AND title ILIKE '%greatest%') >= 2 ORDER BY artist_id"));
  });

  it('compares an array column with _contains and _contained_in', async () => {
    expect(await docIds({ tags: { _contains: ['red'] } })).toEqual(await sqlDocIds("tags @> '{red}'"));
    expect(await docIds({ tags: { _contained_in: ['red', 'blue'] } })).toEqual(await sqlDocIds("tags <@ '{red,blue}'"));
    expect(await docIds({ tags: { _eq: ['blue'] } })).toEqual([2]);
  });
});

describe('jsonb', () => {
  it.each<[string, unknown, string]>([
    ['_contains', { data: { _contains: { a: 1 } } }, `data @> '{"a": 1}'`],
    ['_contained_in', { data: { _contained_in: { a: 1, k: 'v', z: 0 } } }, `data <@ '{"a": 1, "k": "v", "z": 0}'`],
    ['_has_key', { data: { _has_key: 'b' } }, "data ? 'b'"],
    ['_has_keys_any', { data: { _has_keys_any: ['k', 'name'] } }, "data ?| array['k', 'name']"],
    ['_has_keys_all', { data: { _has_keys_all: ['a', 'b'] } }, "data ?& array['a', 'b']"],
    ['_eq', { data: { _eq: { a: 2, b: { c: 'y' } } } }, `data = '{"a": 2, "b": {"c": "y"}}'`],
    ['_is_null', { data: { _is_null: true } }, 'data IS NULL'],
    ['_cast to String', { data: { _cast: { String: { _ilike: "%it's%" } } } }, "data::text ILIKE '%it''s%'"],
  ])('%s matches the same rows as SQL', async (_name, where, condition) => {
    const expected = await sqlDocIds(condition);
    expect(expected.length).toBeGreaterThan(0);
    expect(await docIds(where)).toEqual(expected);
  });

  it.each([
    ['$.b.c', '{b,c}'],
    ['b.c', '{b,c}'],
    ['$.list[1]', '{list,1}'],
    ["['key with space']", '{key with space}'],
    ['$.missing', '{missing}'],
  ])('selects a json path %s like #> %s', async (path, pgPath) => {
    const data = dataOf(await g.graphql('query ($p: String) { doc(order_by: {id: asc}) { id data(path: $p) } }', { p: path }));
    const expected = await rows<{ id: number; v: unknown }>('SELECT id, data #> $1 AS v FROM doc ORDER BY id', [pgPath]);
    expect(data.doc).toEqual(expected.map((r) => ({ id: r.id, data: r.v })));
  });
});

describe('GraphQL features', () => {
  it('honours aliases, fragments, variables with defaults, @include and @skip, and __typename', async () => {
    const query = `
      query Named($id: Int = 90, $withAlbums: Boolean = true, $skipName: Boolean!) {
        __typename
        band: artist_by_pk(artist_id: $id) { ...ArtistBits __typename }
      }
      fragment ArtistBits on artist {
        id: artist_id
        name @skip(if: $skipName)
        albums(order_by: {album_id: asc}, limit: 2) @include(if: $withAlbums) { ... on album { album_id } }
      }`;
    const albums = await rows('SELECT album_id FROM album WHERE artist_id = 90 ORDER BY album_id LIMIT 2');
    expect(dataOf(await g.graphql(query, { skipName: true }))).toEqual({
      __typename: 'query_root',
      band: { id: 90, albums, __typename: 'artist' },
    });
    const [artist] = await rows<{ name: string }>('SELECT name FROM artist WHERE artist_id = 1');
    expect(dataOf(await g.graphql(query, { id: 1, withAlbums: false, skipName: false }))).toEqual({
      __typename: 'query_root',
      band: { id: 1, name: artist!.name, __typename: 'artist' },
    });
  });

  it('answers introspection beside data', async () => {
    const data = dataOf(await g.graphql('{ __schema { queryType { name } } __type(name: "artist") { name kind fields { name } } artist_aggregate { aggregate { count } } }'));
    const [{ n }] = (await rows<{ n: number }>('SELECT count(*)::int AS n FROM artist')) as [{ n: number }];
    expect(data.__schema).toEqual({ queryType: { name: 'query_root' } });
    const type = data.__type as { name: string; kind: string; fields: { name: string }[] };
    expect([type.name, type.kind]).toEqual(['artist', 'OBJECT']);
    expect(type.fields.map((f) => f.name).sort()).toEqual(['albums', 'albums_aggregate', 'artist_id', 'name']);
    expect(data.artist_aggregate).toEqual({ aggregate: { count: n } });
  });

  it('answers a batch with one result per request, each failing on its own', async () => {
    const result = await g.post('/v1/graphql', [
      { query: 'query ($id: Int!) { artist_by_pk(artist_id: $id) { name } }', variables: { id: 1 } },
      { query: '{ artist { nope } }' },
      { query: '{ genre_aggregate { aggregate { count } } }' },
    ]);
    expect(result.status).toBe(200);
    const [artist] = await rows('SELECT name FROM artist WHERE artist_id = 1');
    const [{ n }] = (await rows<{ n: number }>('SELECT count(*)::int AS n FROM genre')) as [{ n: number }];
    const body = result.body as unknown[];
    expect(body).toHaveLength(3);
    expect(body[0]).toEqual({ data: { artist_by_pk: artist } });
    expect(body[1]).toMatchObject({
      errors: [{ message: "field 'nope' not found in type: 'artist'", extensions: { path: '$.selectionSet.artist.selectionSet.nope', code: 'validation-failed' } }],
    });
    expect(body[2]).toEqual({ data: { genre_aggregate: { aggregate: { count: n } } } });
  });

  it('answers the failing member of a batch in exactly Hasura\'s error shape', async () => {
    const result = await g.post('/v1/graphql', [{ query: '{ artist { nope } }' }, { query: '{ __typename }' }]);
    expect(result.body).toEqual([
      { errors: [{ message: "field 'nope' not found in type: 'artist'", extensions: { path: '$.selectionSet.artist.selectionSet.nope', code: 'validation-failed' } }] },
      { data: { __typename: 'query_root' } },
    ]);
  });

  it('rejects an operator that does not exist for the type', async () => {
    const error = errorOf(await g.graphql('{ track(where: {milliseconds: {_like: "1%"}}) { track_id } }'));
    expect(error.extensions.code).toBe('validation-failed');
    expect(error.message).toBe("field '_like' not found in type: 'Int_comparison_exp'");
  });
});
