/**
 * What the benchmark asks, against the Chinook example (275 artists, 347 albums, 3,503 tracks at
 * scale 1; see `grow-chinook.ts` for the larger copies). Each workload is one GraphQL operation,
 * written once in Sluice's (Hasura's) naming and once in PostGraphile's, and a finite list of
 * variable sets that the load generator cycles through, so every request is reproducible and the
 * raw-SQL floor can replay the exact statement Sluice ran for each variable set. Both servers get
 * the same variables, ask for the same columns and answer with the same number of rows
 * (`check-workload.ts` compares them before anything is timed). Imported by the parent and by the
 * load worker.
 */

/** Which server a request is written for. */
export type Dialect = 'sluice' | 'postgraphile';

export interface Workload {
  /** Short id used in the table and in `BENCH_WORKLOADS`. */
  readonly name: string;
  readonly description: string;
  readonly kind: 'query' | 'mutation';
  /** Root fields in the operation: the design's "one statement per root field" target. */
  readonly rootFields: number;
  readonly query: string;
  /**
   * The same operation for PostGraphile v5 (Amber, simplified inflection, connection filter,
   * pg-aggregates: see peers/postgraphile/server.mjs), with the same variables.
   */
  readonly postgraphileQuery: string;
  /** How many distinct variable sets the load cycles through (reads only). */
  readonly variants: number;
  /**
   * The variables of request number `i`. Reads repeat with `i % variants`; the mutation uses `i`
   * and a per-process `tag` so that every insert has its own note. `scale` is the number of
   * Chinook copies loaded, for workloads that spread their keys over all of them.
   */
  variables(i: number, tag: string, scale: number): Record<string, unknown>;
}

const trackCount = 3503;
/** Track ids of copy k are the originals plus k × this (`grow-chinook.ts`). */
export const trackIdStride = 10_000;
const genres = ['Rock', 'Jazz', 'Metal', 'Alternative & Punk', 'Blues', 'Latin', 'Classical', 'Pop'];

export const workloads: readonly Workload[] = [
  {
    name: 'by_pk',
    description: 'track_by_pk with a different track_id per request (256 ids spread over the table)',
    kind: 'query',
    rootFields: 1,
    query: 'query TrackByPk($id: Int!) { track_by_pk(track_id: $id) { track_id name composer milliseconds unit_price } }',
    postgraphileQuery: 'query TrackByPk($id: Int!) { track(trackId: $id) { trackId name composer milliseconds unitPrice } }',
    variants: 256,
    // 997 is prime to 3503, so the ids are distinct and spread across the table; with copies
    // loaded, request i goes to copy i % scale.
    variables: (i, _tag, scale) => ({ id: ((i * 997) % trackCount) + 1 + trackIdStride * (i % scale) }),
  },
  {
    name: 'filter_order_limit',
    description: 'track where unit_price > 0.99, ordered by name, limit 20 (literals, no variables)',
    kind: 'query',
    rootFields: 1,
    query: '{ track(where: {unit_price: {_gt: 0.99}}, order_by: {name: asc}, limit: 20) { track_id name unit_price } }',
    postgraphileQuery: '{ tracksList(filter: {unitPrice: {greaterThan: "0.99"}}, orderBy: NAME_ASC, first: 20) { trackId name unitPrice } }',
    variants: 1,
    variables: () => ({}),
  },
  {
    name: 'nested_2',
    description: '50 artists, each with its albums (artist → albums)',
    kind: 'query',
    rootFields: 1,
    query: '{ artist(limit: 50, order_by: {artist_id: asc}) { artist_id name albums { album_id title } } }',
    postgraphileQuery: '{ artistsList(first: 50, orderBy: ARTIST_ID_ASC) { artistId name albumsList { albumId title } } }',
    variants: 1,
    variables: () => ({}),
  },
  {
    name: 'nested_3',
    description: '20 artists → albums → tracks',
    kind: 'query',
    rootFields: 1,
    query:
      '{ artist(limit: 20, order_by: {artist_id: asc}) { artist_id name albums { album_id title tracks { track_id name milliseconds } } } }',
    postgraphileQuery:
      '{ artistsList(first: 20, orderBy: ARTIST_ID_ASC) { artistId name albumsList { albumId title tracksList { trackId name milliseconds } } } }',
    variants: 1,
    variables: () => ({}),
  },
  {
    name: 'wide_list',
    description: '1,000 tracks × 6 columns (about 145 kB of JSON)',
    kind: 'query',
    rootFields: 1,
    query: '{ track(limit: 1000, order_by: {track_id: asc}) { track_id name album_id composer milliseconds unit_price } }',
    postgraphileQuery: '{ tracksList(first: 1000, orderBy: TRACK_ID_ASC) { trackId name albumId composer milliseconds unitPrice } }',
    variants: 1,
    variables: () => ({}),
  },
  {
    name: 'aggregate',
    description: 'track_aggregate (count, sum of milliseconds, avg of unit_price) where genre_id in (1, 3, 5)',
    kind: 'query',
    rootFields: 1,
    query:
      '{ track_aggregate(where: {genre_id: {_in: [1, 3, 5]}}) { aggregate { count sum { milliseconds } avg { unit_price } } } }',
    postgraphileQuery:
      '{ tracks(filter: {genreId: {in: [1, 3, 5]}}) { totalCount aggregates { sum { milliseconds } average { unitPrice } } } }',
    variants: 1,
    variables: () => ({}),
  },
  {
    name: 'mutation',
    description: 'insert one row into bench_scratch and delete it again, two root fields in one request (one transaction)',
    kind: 'mutation',
    rootFields: 2,
    query:
      'mutation InsertDelete($note: String!) { insert_bench_scratch_one(object: {note: $note}) { id } delete_bench_scratch(where: {note: {_eq: $note}}) { affected_rows } }',
    // PostGraphile deletes one row by a unique key (`note` is unique for this reason), and runs each
    // mutation field in its own transaction.
    postgraphileQuery:
      'mutation InsertDelete($note: String!) { createBenchScratch(input: {benchScratch: {note: $note}}) { benchScratch { rowId } } deleteBenchScratchByNote(input: {note: $note}) { benchScratch { rowId } } }',
    variants: 0,
    variables: (i, tag) => ({ note: `${tag}-${i}` }),
  },
  {
    name: 'variables',
    description: 'tracks of a genre (by name, through the genre relationship) longer than a minimum, with their album; 3 variables, 32 sets',
    kind: 'query',
    rootFields: 1,
    query:
      'query TracksOfGenre($genre: String!, $minMs: Int!, $limit: Int!) { track(where: {genre: {name: {_eq: $genre}}, milliseconds: {_gte: $minMs}}, order_by: {milliseconds: desc}, limit: $limit) { track_id name milliseconds album { title } } }',
    postgraphileQuery:
      'query TracksOfGenre($genre: String!, $minMs: Int!, $limit: Int!) { tracksList(filter: {genre: {name: {equalTo: $genre}}, milliseconds: {greaterThanOrEqualTo: $minMs}}, orderBy: MILLISECONDS_DESC, first: $limit) { trackId name milliseconds album { title } } }',
    variants: 32,
    variables: (i) => ({ genre: genres[i % genres.length], minMs: 120_000 + 30_000 * (i % 4), limit: 10 }),
  },
];

/** The body of request `i` for one server, as the load generator sends it. */
export function requestBody(workload: Workload, i: number, tag: string, dialect: Dialect = 'sluice', scale = 1): string {
  const index = workload.kind === 'query' ? i % Math.max(workload.variants, 1) : i;
  const query = dialect === 'sluice' ? workload.query : workload.postgraphileQuery;
  return JSON.stringify({ query, variables: workload.variables(index, tag, scale) });
}

export function findWorkload(name: string): Workload {
  const workload = workloads.find((w) => w.name === name);
  if (!workload) throw new Error(`unknown workload ${JSON.stringify(name)} (known: ${workloads.map((w) => w.name).join(', ')})`);
  return workload;
}
