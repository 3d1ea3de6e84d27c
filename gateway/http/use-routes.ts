import type { Plugin } from 'graphql-yoga';
import type pg from 'pg';
import type { Logger } from 'pino';
import { isPoolTimeout } from '../admission/index.js';
import { GatewayError, toRestErrorBody } from '../errors/index.js';
import { prometheusContentType, type GatewayMetrics } from '../metrics/index.js';
import type { Session, SessionResolver } from '../session/index.js';
import type { MetadataApi, ApiResponse } from '../metadata/index.js';
import { authorizeMetrics, type MetricsSecrets } from './authorize-metrics.js';
import { errorsBody } from './graphql-response.js';
import type { ExplainHandler } from './handle-explain.js';
import type { SchemaHealth } from './schema-registry.js';

export interface RoutesOptions {
  readonly pool: pg.Pool;
  /** The pool's `max`: a pool at it with requests waiting is saturated (`/healthz` says so without queueing). */
  readonly poolMax: number;
  readonly metadataApi: MetadataApi;
  /** `POST /v1/graphql/explain` (admin only). */
  readonly explain: ExplainHandler;
  /** `GET /metrics`, and who may read it. */
  readonly metrics: GatewayMetrics;
  readonly metricsSecrets: MetricsSecrets;
  readonly resolveSession: SessionResolver;
  readonly sessions: WeakMap<Request, Session>;
  readonly version: string;
  readonly logger: Logger;
  /** The served schema's state, for `/healthz`. */
  readonly schemaHealth: () => SchemaHealth;
}

function json(body: unknown, status: number, headers?: Readonly<Record<string, string>>): Response {
  return new Response(typeof body === 'string' ? body : JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
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

/** Every connection busy and requests queueing for one: Postgres is answering, just not to more at once. */
function isSaturated(pool: pg.Pool, poolMax: number): boolean {
  return pool.idleCount === 0 && pool.totalCount >= poolMax && pool.waitingCount > 0;
}

/**
 * `GET /healthz` (Hasura §1): 500 `ERROR: …` when Postgres does not answer; 200 `OK`, or 200
 * `WARN: inconsistent objects in schema` when metadata objects were left out — the gateway still
 * serves the rest, and a liveness probe must not restart it for that. `?strict=true` turns the
 * warning into 500 `ERROR: …`, for a readiness check or a deploy gate. Details are in the log and
 * `get_inconsistent_metadata`, not on this unauthenticated endpoint.
 *
 * A saturated pool is a warning too, answered without queueing for a connection: restarting a
 * gateway because it is busy would turn backpressure into collapse.
 */
async function health(options: RoutesOptions, url: URL): Promise<Response> {
  let saturated = isSaturated(options.pool, options.poolMax);
  if (!saturated) {
    try {
      await options.pool.query('SELECT 1');
    } catch (error) {
      if (!isPoolTimeout(error)) return new Response(`ERROR: database unavailable: ${error instanceof Error ? error.message : String(error)}`, { status: 500 });
      saturated = true;
    }
  }
  const problems = schemaProblems(options.schemaHealth());
  if (saturated) problems.push('connection pool saturated');
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
      if (path === '/metrics' && request.method === 'GET') return endResponse(metrics(request, options));
      const explain = path === '/v1/graphql/explain' || path === '/v1alpha1/graphql/explain';
      const api = adminApis[path];
      if (!api && !explain) return endResponse(json({ path: '$', error: 'resource does not exist', code: 'not-found' }, 404));
      if (request.method !== 'POST') return endResponse(json({ path: '$', error: 'method not allowed', code: 'method-not-allowed' }, 405));
      endResponse(await handleAdminApi(request, options, (body, session) => (api ? options.metadataApi[api](body) : options.explain(body, session.role))));
    },
  };
}

/** `GET /metrics`: Prometheus text, for the admin secret or the metrics bearer token (when either is set). */
function metrics(request: Request, options: RoutesOptions): Response {
  const denied = authorizeMetrics(request.headers, options.metricsSecrets);
  if (denied) return json(toRestErrorBody(denied, false), denied.status);
  return new Response(options.metrics.render(), { status: 200, headers: { 'content-type': prometheusContentType } });
}

/** An admin-only JSON endpoint: the session must be admin, the body JSON; `handle` answers. */
async function handleAdminApi(request: Request, options: RoutesOptions, handle: (body: unknown, session: Session) => Promise<ApiResponse>): Promise<Response> {
  let session: Session;
  try {
    session = await options.resolveSession(request.headers);
  } catch (error) {
    const failure = error instanceof GatewayError ? error : new GatewayError('unexpected', 'unexpected error', { status: 500, cause: error });
    return json(toRestErrorBody(failure, false), failure.status);
  }
  options.sessions.set(request, session);
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
    response = await handle(body, session);
  } catch (error) {
    options.logger.error({ err: error }, 'unexpected error in the admin API');
    return json({ path: '$', error: 'unexpected error', code: 'unexpected' }, 500);
  }
  return json(response.body, response.status, response.headers);
}
