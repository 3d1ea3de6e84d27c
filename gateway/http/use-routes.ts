import type { Plugin } from 'graphql-yoga';
import type pg from 'pg';
import type { Logger } from 'pino';
import { GatewayError, toRestErrorBody } from '../errors/index.js';
import type { Session, SessionResolver } from '../session/index.js';
import type { MetadataApi, ApiResponse } from '../metadata/index.js';
import { errorsBody } from './graphql-response.js';
import type { SchemaHealth } from './schema-registry.js';

export interface RoutesOptions {
  readonly pool: pg.Pool;
  readonly metadataApi: MetadataApi;
  readonly resolveSession: SessionResolver;
  readonly sessions: WeakMap<Request, Session>;
  readonly version: string;
  readonly logger: Logger;
  /** The served schema's state, for `/healthz`. */
  readonly schemaHealth: () => SchemaHealth;
}

function json(body: unknown, status: number): Response {
  return new Response(typeof body === 'string' ? body : JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8' },
  });
}

/** The schema's problems in `/healthz` wording (Hasura's for inconsistent metadata). */
function schemaProblems(health: SchemaHealth): string[] {
  const problems: string[] = [];
  if (health.inconsistentObjects > 0) problems.push('inconsistent objects in schema');
  if (health.reloadFailure === 'previous-schema') problems.push('schema reload failed, serving the previous schema');
  if (health.reloadFailure === 'without-metadata') problems.push('metadata could not be loaded, serving without it');
  return problems;
}

/**
 * `GET /healthz` (Hasura §1): 500 `ERROR: …` when Postgres does not answer; 200 `OK`, or 200
 * `WARN: inconsistent objects in schema` when metadata objects were left out — the gateway still
 * serves the rest, and a liveness probe must not restart it for that. `?strict=true` turns the
 * warning into 500 `ERROR: …`, for a readiness check or a deploy gate. Details are in the log and
 * `get_inconsistent_metadata`, not on this unauthenticated endpoint.
 */
async function health(options: RoutesOptions, url: URL): Promise<Response> {
  try {
    await options.pool.query('SELECT 1');
  } catch (error) {
    return new Response(`ERROR: database unavailable: ${error instanceof Error ? error.message : String(error)}`, { status: 500 });
  }
  const problems = schemaProblems(options.schemaHealth());
  if (problems.length === 0) return new Response('OK', { status: 200 });
  return url.searchParams.get('strict') === 'true'
    ? new Response(`ERROR: ${problems.join('; ')}`, { status: 500 })
    : new Response(`WARN: ${problems.join('; ')}`, { status: 200 });
}

const adminApis: Record<string, keyof MetadataApi> = {
  '/v1/metadata': 'handleMetadata',
  '/v1/query': 'handleQueryV1',
  '/v2/query': 'handleQueryV2',
};

/**
 * Everything that is not GraphQL: health, version, the admin APIs (admin only), and Hasura's
 * 404 for unknown paths. On `/v1/graphql` it resolves the session first: auth failures answer
 * 200 with a GraphQL error there, as Hasura does.
 */
export function useRoutes(options: RoutesOptions): Plugin {
  return {
    async onRequest({ request, url, endResponse }) {
      const path = url.pathname.replace(/\/+$/, '') || '/';
      if (path === '/v1/graphql' || path === '/v1alpha1/graphql') {
        try {
          options.sessions.set(request, await options.resolveSession(request.headers));
        } catch (error) {
          const failure = error instanceof GatewayError ? error : new GatewayError('unexpected', 'unexpected error', { status: 500, cause: error });
          const status = path === '/v1/graphql' ? 200 : failure.status;
          endResponse(json(errorsBody([failure], false), status));
        }
        return;
      }
      if ((path === '/healthz' || path === '/hasura/healthz') && request.method === 'GET') return endResponse(await health(options, url));
      if (path === '/v1/version' && request.method === 'GET') return endResponse(json({ version: options.version }, 200));
      const api = adminApis[path];
      if (!api) return endResponse(json({ path: '$', error: 'resource does not exist', code: 'not-found' }, 404));
      if (request.method !== 'POST') return endResponse(json({ path: '$', error: 'method not allowed', code: 'method-not-allowed' }, 405));
      endResponse(await handleAdminApi(request, options, api));
    },
  };
}

async function handleAdminApi(request: Request, options: RoutesOptions, api: keyof MetadataApi): Promise<Response> {
  let session: Session;
  try {
    session = await options.resolveSession(request.headers);
  } catch (error) {
    const failure = error instanceof GatewayError ? error : new GatewayError('unexpected', 'unexpected error', { status: 500, cause: error });
    return json(toRestErrorBody(failure, false), failure.status);
  }
  if (!session.isAdmin) {
    return json(toRestErrorBody(new GatewayError('access-denied', 'restricted access : admin only', { path: '$.args' }), false), 400);
  }
  let body: unknown;
  try {
    body = JSON.parse(await request.text());
  } catch (error) {
    const reason = error instanceof Error ? error.message : 'invalid JSON';
    return json({ path: '$', error: `Error in $: ${reason}`, code: 'invalid-json' }, 400);
  }
  let response: ApiResponse;
  try {
    response = await options.metadataApi[api](body);
  } catch (error) {
    options.logger.error({ err: error }, 'unexpected error in the admin API');
    return json({ path: '$', error: 'unexpected error', code: 'unexpected' }, 500);
  }
  return json(response.body, response.status);
}
