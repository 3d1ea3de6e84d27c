import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { hostname } from 'node:os';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createYoga } from 'graphql-yoga';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { Config } from '../config/config.js';
import { createMetadataApi, createMetadataStore } from '../metadata/index.js';
import { PlanCache, type CachedQuery, type CompiledMutation } from '../execute/index.js';
import { createSessionResolver, type Session } from '../session/index.js';
import { createJwtVerifier, parseJwtConfig } from '../session/jwt/index.js';
import { createServiceKeyVerifier } from '../session/service-keys/index.js';
import { startReloadListener, type ReloadListener, type ReloadListenerOptions } from '../reload/index.js';
import { SchemaRegistry } from './schema-registry.js';
import { useRoutes } from './use-routes.js';
import { useSluiceGraphQL } from './use-sluice-graphql.js';
import { useRequestLog } from './use-request-log.js';
import { useHasuraErrors } from './use-hasura-errors.js';
import { startDeliveryWorker, type DeliveryTuning, type DeliveryWorker } from '../events/delivery/index.js';
import { startEventTriggerSync, type EventTriggerSync } from '../events/capture/index.js';
import { createAdmission, watchSaturation, type Admission } from '../admission/index.js';
import { createGatewayMetrics, type GatewayMetrics } from '../metrics/index.js';
import { createDocumentValidator } from '../validate/index.js';
import { createRequestReporter } from './report-request.js';
import { createExplainHandler } from './handle-explain.js';
import { createFastGraphQL } from './fast-graphql.js';
import { forwardBuffered } from './forward-buffered.js';

export interface GatewayOptions {
  readonly config: Config;
  /** The one pool every request runs on; the gateway never creates another. */
  readonly pool: pg.Pool;
  readonly logger: Logger;
  /** Tuning of the reload listener: polling interval, or polling instead of LISTEN behind a transaction pooler. */
  readonly reload?: Pick<ReloadListenerOptions, 'debounceMs' | 'pollIntervalMs' | 'heartbeatMs' | 'backoff' | 'listen'>;
  /** Event delivery worker tuning, or false for none (gateway/events/delivery). */
  readonly events?: DeliveryTuning | false;
}

export interface Gateway {
  /** A Node `http.createServer` request listener. */
  readonly handle: (req: IncomingMessage, res: ServerResponse) => void;
  /** The same server as a WHATWG fetch handler (tests call it without a port). */
  readonly fetch: (request: Request) => Promise<Response>;
  /** Resolves once metadata is loaded and the schemas are built. */
  readonly ready: Promise<void>;
  /** Request counters and latencies, pool and admission state (`GET /metrics` renders them). */
  readonly metrics: GatewayMetrics;
  /** The gate every request's connection passes through (per-role limits, bounded waiting). */
  readonly admission: Admission;
  /** Stops background work (listeners, timers); the caller closes the HTTP server and the pool. */
  close(): Promise<void>;
}

/** The delivery worker's tuning from the environment's settings (`loadConfig` fills them in). */
function eventTuning(settings: Config['events']): DeliveryTuning {
  if (!settings) return {};
  const { retentionHours, pollIntervalMs, batchSize, httpConcurrency, listen, lockTimeoutSec } = settings;
  return { retentionHours, pollIntervalMs, batchSize, httpConcurrency, listen, lockTimeoutSec };
}

const packageVersion = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;

/**
 * The gateway: yoga with Sluice's plugins in pipeline order (routes and session → request
 * parsing → parse → validate → plan/compile/execute), over one schema registry and one pool.
 */
export function createGateway(options: GatewayOptions): Gateway {
  const { config, pool, logger } = options;
  const backpressure = config.backpressure;
  const admission = createAdmission({
    pool,
    poolMax: config.poolMax,
    timeoutMs: config.poolTimeoutMs,
    queueMax: backpressure?.queueMax ?? config.poolMax * 50,
    roleLimits: backpressure?.roleConcurrency,
    defaultRoleLimit: backpressure?.roleConcurrencyDefault,
    sharedReads: backpressure?.sharedReads,
  });
  const saturation = watchSaturation({ admission, pool, logger, warnAfterMs: backpressure?.saturationWarnMs ?? 10_000 });
  const metrics = createGatewayMetrics({ pool, poolMax: config.poolMax, admission });
  // The one reporter of finished requests (log line + metrics); a path answering without yoga calls it too.
  const reportRequest = createRequestReporter(logger, metrics);
  const store = createMetadataStore(pool);
  const registry = new SchemaRegistry(pool, store, config, logger);
  const metadataApi = createMetadataApi({
    admission,
    pool,
    store,
    introspect: () => registry.introspect(),
    reload: () => registry.reload(),
    logger,
    autoTrackSchemas: config.autoTrack ? config.exposeSchemas : undefined,
    eventLockTimeoutSec: config.events?.lockTimeoutSec,
  });
  const sessions = new WeakMap<Request, Session>();
  const jwtConfig = config.jwtSecret ? parseJwtConfig(config.jwtSecret.value, config.jwtSecret.name) : undefined;
  const jwtVerifier = jwtConfig ? createJwtVerifier(jwtConfig, { logger }) : undefined;
  const resolveSession = createSessionResolver({
    adminSecret: config.adminSecret,
    unauthorizedRole: config.unauthorizedRole,
    jwt: jwtConfig && jwtVerifier ? { config: jwtConfig, verifier: jwtVerifier } : undefined,
    serviceKeys: createServiceKeyVerifier(() => registry.current().resolved.metadata.service_keys ?? []),
  });
  const sessionOf = (request: Request): Session => {
    const session = sessions.get(request);
    if (!session) throw new Error('no session resolved for this request');
    return session;
  };
  // Shared by the full pipeline and the fast path, so a document validated or a plan compiled by
  // one is found by the other.
  const validateDocument = createDocumentValidator();
  const execution = {
    admission,
    planCache: new PlanCache<CachedQuery>(),
    mutationCache: new PlanCache<CompiledMutation>(),
    stringifyNumeric: config.stringifyNumericTypes,
    logger,
  };
  const yoga = createYoga({
    // `/v1alpha1/graphql` is Hasura's legacy endpoint; it keeps errors' HTTP statuses.
    graphqlEndpoint: '/:version(v1|v1alpha1)/graphql',
    landingPage: false,
    healthCheckEndpoint: '/__yoga_health_unused',
    maskedErrors: false,
    logging: false,
    batching: { limit: 100 },
    graphiql: { title: 'Sluice' },
    // Documents are cached by yoga; validation results by Sluice's own validator (per role schema).
    parserAndValidationCache: { validationCache: false },
    schema: ({ request }: { request: Request }) => {
      const session = sessionOf(request);
      return registry.current().schemaFor(session.role, session.backendOnly);
    },
    plugins: [
      useRequestLog(reportRequest, sessions),
      useHasuraErrors(),
      useRoutes({
        pool,
        poolMax: config.poolMax,
        metadataApi,
        explain: createExplainHandler(
          {
            schemaFor: (role, backendOnly) => registry.current().schemaFor(role, backendOnly),
            validateDocument: createDocumentValidator(),
            admission,
            stringifyNumeric: config.stringifyNumericTypes,
          },
          logger,
        ),
        metrics,
        metricsSecrets: { adminSecret: config.adminSecret, metricsSecret: config.metricsSecret },
        resolveSession,
        sessions,
        version: `v${packageVersion}`,
        logger,
        schemaHealth: () => registry.health(),
      }),
      useSluiceGraphQL({
        sessionOf,
        // Dev mode only: nothing about permissions is revealed once an admin secret is set.
        explain:
          config.adminSecret === undefined
            ? (schema) => {
                const state = registry.current();
                const role = state.roleOf(schema);
                return role && role !== 'admin' ? { role, admin: state.schemaFor('admin') } : undefined;
              }
            : undefined,
        validateDocument,
        execution,
        maxBodyBytes: config.maxBodyBytes,
        logger,
      }),
    ],
  });
  const fast = createFastGraphQL({
    resolveSession,
    schemaFor: (session) => registry.current().schemaFor(session.role, session.backendOnly),
    validate: validateDocument,
    execution,
    maxBodyBytes: config.maxBodyBytes,
    devHints: config.adminSecret === undefined,
    logger,
    report: reportRequest,
  });
  const fallback = (req: IncomingMessage, res: ServerResponse, body?: Buffer): void => {
    if (body === undefined) return void yoga(req, res);
    forwardBuffered((request) => yoga.fetch(request), req, res, body).catch((error: unknown) => {
      logger.error({ err: error }, 'unexpected error handing a request to the full pipeline');
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' }).end('{"errors":[{"message":"unexpected error","extensions":{"path":"$","code":"unexpected"}}]}');
      else res.destroy();
    });
  };
  const ready = registry.reload();
  // Other instances' metadata changes and DDL: one extra connection outside the pool, opened once
  // the first schema is up (nothing to reload before that). Only without a URL — never in
  // practice, the CLI fills it in — does the gateway run without it.
  let listener: ReloadListener | undefined;
  let events: DeliveryWorker | undefined;
  let triggerSync: EventTriggerSync | undefined;
  let closed = false;
  void ready.then(
    () => {
      if (closed || config.databaseUrl === undefined) return;
      listener = startReloadListener({ databaseUrl: config.databaseUrl, registry, logger, ...config.reload, ...options.reload });
      // Capture triggers follow the served metadata (startup, restores, upgrades), delivery or not.
      triggerSync = startEventTriggerSync({ pool, logger, getState: () => registry.current() });
      if (options.events === false || config.events?.delivery === false) return;
      const admin = { 'content-type': 'application/json', ...(config.adminSecret === undefined ? {} : { 'x-hasura-admin-secret': config.adminSecret }) };
      events = startDeliveryWorker({
        pool, databaseUrl: config.databaseUrl, logger, instanceId: `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
        getSchema: () => registry.current().resolved,
        graphql: async (query, variables) => (await yoga.fetch(new Request('http://sluice.internal/v1/graphql', { method: 'POST', headers: admin, body: JSON.stringify({ query, variables }) }))).json(),
        options: { ...eventTuning(config.events), ...options.events },
      });
    },
    () => undefined,
  );
  return {
    // `POST /v1/graphql` (exactly) tries the fast path; everything else is yoga's.
    handle: (req, res) => (req.method === 'POST' && req.url === '/v1/graphql' ? fast(req, res, fallback) : void yoga(req, res)),
    fetch: async (request) => yoga.fetch(request),
    ready,
    metrics,
    admission,
    async close() {
      closed = true;
      saturation.stop();
      jwtVerifier?.close();
      await listener?.stop();
      await events?.stop();
      await triggerSync?.stop();
    },
  };
}
