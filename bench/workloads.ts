/**
 * What the benchmark asks Sluice, against the Chinook example (275 artists, 347 albums, 3,503
 * tracks). Each workload is one GraphQL operation and a finite list of variable sets that the load
 * generator cycles through, so every request is reproducible and the raw-SQL floor can replay the
 * exact statement Sluice ran for each variable set. Imported by the parent and by the load worker.
 */

export interface Workload {
  /** Short id used in the table and in `BENCH_WORKLOADS`. */
  readonly name: string;
  readonly description: string;
  readonly kind: 'query' | 'mutation';
  readonly query: string;
  /** How many distinct variable sets the load cycles through (reads only). */
  readonly variants: number;
  /**
   * The variables of request number `i`. Reads repeat with `i % variants`; the mutation uses `i`
   * and a per-process `tag` so that every insert has its own note.
   */
  variables(i: number, tag: string): Record<string, unknown>;
}

const trackCount = 3503;
const genres = ['Rock', 'Jazz', 'Metal', 'Alternative & Punk', 'Blues', 'Latin', 'Classical', 'Pop'];

export const workloads: readonly Workload[] = [
  {
    name: 'by_pk',
    description: 'track_by_pk with a different track_id per request (256 ids spread over the table)',
    kind: 'query',
    query: 'query TrackByPk($id: Int!) { track_by_pk(track_id: $id) { track_id name composer milliseconds unit_price } }',
    variants: 256,
    // 997 is prime to 3503, so the ids are distinct and spread across the table.
    variables: (i) => ({ id: ((i * 997) % trackCount) + 1 }),
  },
  {
    name: 'filter_order_limit',
    description: 'track where unit_price > 0.99, ordered by name, limit 20 (literals, no variables)',
    kind: 'query',
    query: '{ track(where: {unit_price: {_gt: 0.99}}, order_by: {name: asc}, limit: 20) { track_id name unit_price } }',
    variants: 1,
    variables: () => ({}),
  },
  {
    name: 'nested_2',
    description: '50 artists, each with its albums (artist → albums)',
    kind: 'query',
    query: '{ artist(limit: 50, order_by: {artist_id: asc}) { artist_id name albums { album_id title } } }',
    variants: 1,
    variables: () => ({}),
  },
  {
    name: 'nested_3',
    description: '20 artists → albums → tracks',
    kind: 'query',
    query:
      '{ artist(limit: 20, order_by: {artist_id: asc}) { artist_id name albums { album_id title tracks { track_id name milliseconds } } } }',
    variants: 1,
    variables: () => ({}),
  },
  {
    name: 'wide_list',
    description: '1,000 tracks × 6 columns (about 145 kB of JSON)',
    kind: 'query',
    query: '{ track(limit: 1000, order_by: {track_id: asc}) { track_id name album_id composer milliseconds unit_price } }',
    variants: 1,
    variables: () => ({}),
  },
  {
    name: 'aggregate',
    description: 'track_aggregate (count, sum of milliseconds, avg of unit_price) where genre_id in (1, 3, 5)',
    kind: 'query',
    query:
      '{ track_aggregate(where: {genre_id: {_in: [1, 3, 5]}}) { aggregate { count sum { milliseconds } avg { unit_price } } } }',
    variants: 1,
    variables: () => ({}),
  },
  {
    name: 'mutation',
    description: 'insert one row into bench_scratch and delete it again, two root fields in one request (one transaction)',
    kind: 'mutation',
    query:
      'mutation InsertDelete($note: String!) { insert_bench_scratch_one(object: {note: $note}) { id } delete_bench_scratch(where: {note: {_eq: $note}}) { affected_rows } }',
    variants: 0,
    variables: (i, tag) => ({ note: `${tag}-${i}` }),
  },
  {
    name: 'variables',
    description: 'tracks of a genre (by name, through the genre relationship) longer than a minimum, with their album; 3 variables, 32 sets',
    kind: 'query',
    query:
      'query TracksOfGenre($genre: String!, $minMs: Int!, $limit: Int!) { track(where: {genre: {name: {_eq: $genre}}, milliseconds: {_gte: $minMs}}, order_by: {milliseconds: desc}, limit: $limit) { track_id name milliseconds album { title } } }',
    variants: 32,
    variables: (i) => ({ genre: genres[i % genres.length], minMs: 120_000 + 30_000 * (i % 4), limit: 10 }),
  },
];

/** The body of request `i`, as the load generator sends it. */
export function requestBody(workload: Workload, i: number, tag: string): string {
  const index = workload.kind === 'query' ? i % Math.max(workload.variants, 1) : i;
  return JSON.stringify({ query: workload.query, variables: workload.variables(index, tag) });
}

export function findWorkload(name: string): Workload {
  const workload = workloads.find((w) => w.name === name);
  if (!workload) throw new Error(`unknown workload ${JSON.stringify(name)} (known: ${workloads.map((w) => w.name).join(', ')})`);
  return workload;
}
