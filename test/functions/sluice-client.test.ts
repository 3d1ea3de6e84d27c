/**
 * The function client against a real gateway served over HTTP on port 0, counting the requests
 * that reach it.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSluiceClient, defineOperation, gql, SluiceError, SluiceTransportError, type Operation, type SluiceClient } from '../../functions/client/index.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';
import { serve, type TestServer } from './http-servers.js';

const secret = 'function-client-test-admin-secret';

interface Genre {
  readonly genre_id: number;
  readonly name: string;
}

const genreById = gql<{ genre_by_pk: Genre | null }, { id: number }>`
  query GenreById($id: Int!) { genre_by_pk(genre_id: $id) { genre_id name } }
`;
const genresUpTo = gql<{ genre: Genre[] }, { last: number }>`
  query GenresUpTo($last: Int!) { genre(where: {genre_id: {_lte: $last}}, order_by: {genre_id: asc}) { genre_id name } }
`;
const visibleGenres = gql<{ genre: Genre[] }>`
  query { genre(order_by: {genre_id: asc}) { genre_id name } }
`;
/** The reader role has no permission on artist: for it, the field does not exist. */
const artists = gql<{ artist: { name: string }[] }>`
  query Artists { artist(limit: 1) { name } }
`;

describe('the function client against a real gateway', () => {
  let g: TestGateway;
  let server: TestServer;
  let key: string;
  let endpoint: string;
  const graphqlRequests = () => server.requests.filter((r) => r.path === '/v1/graphql');
  const reader = (extra: Partial<Parameters<typeof createSluiceClient>[0]> = {}): SluiceClient =>
    createSluiceClient({ url: endpoint, serviceKey: key, role: 'catalog_reader', session: { 'max-genre': '10' }, ...extra });

  beforeAll(async () => {
    g = await startTestGateway({ example: true, env: { SLUICE_ADMIN_SECRET: secret } });
    const admin = { 'x-hasura-admin-secret': secret };
    const permission = await g.post(
      '/v1/metadata',
      { type: 'pg_create_select_permission', args: { table: 'genre', role: 'catalog_reader', permission: { columns: ['genre_id', 'name'], filter: { genre_id: { _lte: 'X-Hasura-Max-Genre' } } } } },
      admin,
    );
    expect(permission.status).toBe(200);
    const created = await g.post('/v1/metadata', { type: 'sluice_create_service_key', args: { name: 'catalog-fn', roles: ['catalog_reader'] } }, admin);
    expect(created.status).toBe(200);
    key = (created.body as { key: string }).key;
    server = await serve(g.gateway.handle);
    endpoint = `${server.url}/v1/graphql`;
  });
  afterAll(async () => {
    await server?.close();
    await g?.close();
  });
  beforeEach(() => {
    server.requests.length = 0;
  });

  it('sends three requests made in one tick as one HTTP request and gives each caller its own result', async () => {
    const client = reader();
    const [one, three, firstFive] = await Promise.all([
      client.request(genreById, { id: 1 }),
      client.request(genreById, { id: 3 }),
      client.request(genresUpTo, { last: 5 }),
    ]);
    const { rows } = await g.db.pool.query<Genre>('SELECT genre_id, name FROM genre WHERE genre_id <= 5 ORDER BY genre_id');
    expect(one).toEqual({ genre_by_pk: rows[0] });
    expect(three).toEqual({ genre_by_pk: rows[2] });
    expect(firstFive).toEqual({ genre: rows });
    expect(graphqlRequests()).toHaveLength(1);
  });

  it('sends requests made in different ticks separately', async () => {
    const client = reader();
    await client.request(genreById, { id: 1 });
    await client.request(genreById, { id: 2 });
    expect(graphqlRequests()).toHaveLength(2);
  });

  it('rejects only the caller whose operation failed, with the code and path of its error', async () => {
    const client = reader();
    const results = await Promise.allSettled([client.request(genreById, { id: 1 }), client.request(artists), client.request(genreById, { id: 2 })]);
    expect(graphqlRequests()).toHaveLength(1);
    expect(results[0]).toMatchObject({ status: 'fulfilled', value: { genre_by_pk: { genre_id: 1 } } });
    expect(results[2]).toMatchObject({ status: 'fulfilled', value: { genre_by_pk: { genre_id: 2 } } });
    expect(results[1]!.status).toBe('rejected');
    const error = (results[1] as PromiseRejectedResult).reason as SluiceError;
    expect(error).toBeInstanceOf(SluiceError);
    expect(error.code).toBe('validation-failed');
    expect(error.path).toBe('$.selectionSet.artist');
    expect(error.message).toContain('artist');
  });

  it('sends the service key, the role and the session variables, which the gateway applies', async () => {
    const client = reader({ session: { 'X-Hasura-Max-Genre': '3' } });
    const { genre } = await client.request(visibleGenres);
    expect(genre.map((row) => row.genre_id)).toEqual([1, 2, 3]);
    const [request] = graphqlRequests();
    expect(request!.headers).toMatchObject({ 'x-sluice-service-key': key, 'x-hasura-role': 'catalog_reader', 'x-hasura-max-genre': '3', 'content-type': 'application/json' });
    expect(request!.headers['x-hasura-admin-secret']).toBeUndefined();
  });

  it('cannot act as admin with a service key', async () => {
    const client = createSluiceClient({ url: endpoint, serviceKey: key, role: 'admin' });
    await expect(client.request(artists)).rejects.toMatchObject({ name: 'SluiceError', code: 'access-denied' });
  });

  it('acts as its role with the admin secret, and a batch runs in order', async () => {
    const client = createSluiceClient({ url: endpoint, adminSecret: secret, role: 'admin' });
    const insert = gql<{ insert_genre_one: Genre }, { name: string }>`
      mutation AddGenre($name: String!) { insert_genre_one(object: {genre_id: 1000, name: $name}) { genre_id name } }
    `;
    const hostile = 'x"}) { genre_id } delete_genre(where: {}) { affected_rows } #';
    const [inserted, read] = await Promise.all([client.request(insert, { name: hostile }), client.request(genreById, { id: 1000 })]);
    expect(graphqlRequests()).toHaveLength(1);
    expect(graphqlRequests()[0]!.headers).toMatchObject({ 'x-hasura-admin-secret': secret, 'x-hasura-role': 'admin' });
    // The hostile name is stored as a value: it changed nothing in the operation.
    expect(inserted.insert_genre_one).toEqual({ genre_id: 1000, name: hostile });
    expect(read.genre_by_pk).toEqual({ genre_id: 1000, name: hostile });
    expect((await g.db.pool.query('SELECT count(*)::int AS n FROM genre')).rows[0].n).toBe(26);
    await g.db.pool.query('DELETE FROM genre WHERE genre_id = 1000');
  });

  it('splits more operations than maxBatchSize into several requests', async () => {
    const client = reader({ maxBatchSize: 2 });
    const results = await Promise.all([1, 2, 3, 4, 5].map((id) => client.request(genreById, { id })));
    expect(results.map((r) => r.genre_by_pk?.genre_id)).toEqual([1, 2, 3, 4, 5]);
    expect(graphqlRequests()).toHaveLength(3);
  });
});

describe('operations', () => {
  it('refuses an interpolation in gql, at compile time and at run time', () => {
    const name = 'Rock';
    // @ts-expect-error: gql takes no interpolations.
    expect(() => gql`{ genre(where: {name: {_eq: "${name}"}}) { genre_id } }`).toThrow(/refuses interpolations/);
  });

  it('parses the text when it is defined', () => {
    expect(() => gql`{ genre { genre_id }`).toThrow(/Syntax Error/);
    expect(() => defineOperation('query A { a } query B { b }')).toThrow(/needs an operationName/);
    expect(defineOperation('query A { a } query B { b }', { operationName: 'B' }).operationName).toBe('B');
    expect(() => defineOperation('query A { a }', { operationName: 'C' })).toThrow(/no operation named "C"/);
  });

  it('refuses a string or a look-alike object in place of an operation', async () => {
    const client = createSluiceClient({ url: 'http://127.0.0.1:1/v1/graphql', role: 'user' });
    await expect(client.request('{ genre { name } }' as unknown as Operation)).rejects.toThrow(/not a string/);
    await expect(client.request({ kind: 'sluice-operation', text: '{ genre { name } }', operationName: undefined } as unknown as Operation)).rejects.toThrow(TypeError);
  });

  it('types results and variables by the operation', () => {
    const client = createSluiceClient({ url: 'http://127.0.0.1:1/v1/graphql', role: 'user' });
    client.close();
    const typed = async () => {
      const { genre_by_pk } = await client.request(genreById, { id: 1 });
      const name: string | undefined = genre_by_pk?.name;
      // @ts-expect-error: the variables are required.
      await client.request(genreById);
      // @ts-expect-error: a variable of the wrong type.
      await client.request(genreById, { id: '1' });
      return name;
    };
    return expect(typed()).rejects.toMatchObject({ failure: 'closed' });
  });

  it('refuses a role header or a second credential in place of a session variable', () => {
    expect(() => createSluiceClient({ url: 'http://x', role: 'user', session: { 'x-hasura-role': 'admin' } })).toThrow(/not a session variable/);
    expect(() => createSluiceClient({ url: 'http://x', role: 'user', serviceKey: 'sk_a', adminSecret: 'b' })).toThrow(/not both/);
  });
});

describe('transport failures', () => {
  const op = gql<{ genre: Genre[] }>`{ genre { genre_id } }`;

  it('rejects every caller with the HTTP status when the gateway does not answer 200', async () => {
    const server = await serve((_req, res) => res.writeHead(503, { 'content-type': 'text/plain' }).end('overloaded'));
    try {
      const client = createSluiceClient({ url: `${server.url}/v1/graphql`, role: 'user' });
      const results = await Promise.allSettled([client.request(op), client.request(op)]);
      for (const result of results) {
        expect((result as PromiseRejectedResult).reason).toMatchObject({ name: 'SluiceTransportError', failure: 'http', status: 503 });
        expect(String((result as PromiseRejectedResult).reason.message)).toContain('HTTP 503: overloaded');
      }
      expect(server.requests).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  it('rejects with a protocol failure when the answer is not a GraphQL batch', async () => {
    const server = await serve((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>proxy login</html>'));
    try {
      const client = createSluiceClient({ url: `${server.url}/v1/graphql`, role: 'user' });
      await expect(client.request(op)).rejects.toMatchObject({ failure: 'protocol' });
    } finally {
      await server.close();
    }
  });

  it('gives up after its timeout, and a closed client aborts what is in flight', async () => {
    const server = await serve(() => undefined); // never answers
    try {
      const client = createSluiceClient({ url: `${server.url}/v1/graphql`, role: 'user', timeoutMs: 150 });
      const started = Date.now();
      await expect(client.request(op)).rejects.toBeInstanceOf(SluiceTransportError);
      await expect(client.request(op)).rejects.toMatchObject({ failure: 'timeout' });
      expect(Date.now() - started).toBeLessThan(2_000);
      const closing = createSluiceClient({ url: `${server.url}/v1/graphql`, role: 'user' });
      const pending = closing.request(op);
      await new Promise((resolve) => setTimeout(resolve, 20));
      closing.close();
      await expect(pending).rejects.toMatchObject({ failure: 'closed' });
      await expect(closing.request(op)).rejects.toMatchObject({ failure: 'closed' });
    } finally {
      await server.close();
    }
  });

  it('reports an unreachable gateway as a network failure', async () => {
    const server = await serve(() => undefined);
    const url = `${server.url}/v1/graphql`;
    await server.close();
    const client = createSluiceClient({ url, role: 'user' });
    await expect(client.request(op)).rejects.toMatchObject({ failure: 'network', message: expect.stringContaining(url) });
  });
});
