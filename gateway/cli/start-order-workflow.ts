/**
 * `sluice start` runs the example's order workflow beside the gateway: the functions of
 * `functions/functions.json` in an in-process function runner, each with its own service key, and
 * the environment the `food.orders` event triggers need (`ORDER_FUNCTIONS_URL`). Customers sign
 * in with JWTs signed by the example's JWT secret. Secrets come from the environment when given,
 * otherwise from the example secrets file (made on first start); see functions/orders/.
 */
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config/config.js';
import { createPool } from '../database/create-pool.js';
import { findFreePort } from '../database/find-free-port.js';
import { createMetadataStore } from '../metadata/index.js';
import { generateServiceKey } from '../session/service-keys/index.js';
import { readFunctionManifest, startFunctionRunner, type FunctionRunner } from '../../functions/runner/index.js';
import { loadOrCreateExampleSecrets } from '../../functions/orders/example-secrets.js';
import { ensureServiceKeys, type WantedServiceKey } from './ensure-service-keys.js';
import { repoRoot } from './repo-root.js';

export interface OrderWorkflowOptions {
  readonly config: Config & { readonly databaseUrl: string };
  /**
   * Read for secrets and settings, and written: `ORDER_FUNCTIONS_URL` (the runner's URL, which
   * the triggers' webhooks name) and `ORDER_SIMULATED_LATENCY_MS` when unset. The delivery
   * worker and the functions read them from the process environment, so pass `process.env`.
   */
  readonly env: NodeJS.ProcessEnv;
  readonly logger: Logger;
  /** Where the example's generated secrets are kept. */
  readonly secretsPath: string;
  /** The manifest folder; default the repository's `functions/`. */
  readonly functionsDir?: string;
}

export interface OrderWorkflow {
  /** The configuration to serve with: the port fixed, the JWT secret filled in. */
  readonly config: Config & { readonly databaseUrl: string };
  readonly functions: FunctionRunner;
  stop(): Promise<void>;
}

/** Mean wait of the fake outside services, so the demo shows orders moving. */
const defaultSimulatedLatencyMs = '600';

export async function startOrderWorkflow(options: OrderWorkflowOptions): Promise<OrderWorkflow> {
  const { env, logger } = options;
  const dir = options.functionsDir ?? join(repoRoot(), 'functions');
  const manifest = await readFunctionManifest(dir);
  const withKeys = Object.entries(manifest).flatMap(([name, spec]) =>
    spec.role !== undefined && spec.serviceKeyEnv !== undefined ? [{ name, role: spec.role, serviceKeyEnv: spec.serviceKeyEnv }] : [],
  );
  const secrets = await loadOrCreateExampleSecrets(options.secretsPath, withKeys.map((f) => f.serviceKeyEnv), generateServiceKey);
  const keyEnv: Record<string, string> = {};
  const wanted: WantedServiceKey[] = withKeys.map((f) => {
    const key = env[f.serviceKeyEnv] || secrets.serviceKeys[f.serviceKeyEnv]!;
    keyEnv[f.serviceKeyEnv] = key;
    return { name: f.name, roles: [f.role], key, comment: `the example function ${f.name} (${f.serviceKeyEnv})` };
  });

  const pool = createPool({ ...options.config, poolMax: 2 }, logger);
  try {
    const registered = await ensureServiceKeys(pool, wanted);
    if (registered.length > 0) logger.info({ serviceKeys: registered }, 'registered the example functions\' service keys');
    const { metadata } = await createMetadataStore(pool).load();
    const orders = metadata.sources.flatMap((s) => s.tables).find((t) => typeof t.table === 'object' && t.table.schema === 'food' && t.table.name === 'orders');
    if (!orders?.event_triggers?.length) {
      logger.warn('the metadata has no event triggers on food.orders (it predates the order workflow): run `npx sluice metadata apply`, or delete .data/ to start over');
    }
  } finally {
    await pool.end();
  }

  // The port is fixed before serving so the functions know where the gateway will be.
  const port = options.config.port === 0 ? await findFreePort() : options.config.port;
  const functionsPort = env.FUNCTIONS_PORT ? Number(env.FUNCTIONS_PORT) : 0;
  if (!Number.isInteger(functionsPort) || functionsPort < 0 || functionsPort > 65535) {
    throw new Error(`FUNCTIONS_PORT must be a port number, got ${JSON.stringify(env.FUNCTIONS_PORT)}`);
  }
  const functions = await startFunctionRunner({
    dir,
    port: functionsPort,
    host: '127.0.0.1',
    sluiceUrl: `http://127.0.0.1:${port}/v1/graphql`,
    env: keyEnv,
    logger: logger.child({ component: 'functions' }),
  });
  env.ORDER_FUNCTIONS_URL ||= functions.url;
  env.ORDER_SIMULATED_LATENCY_MS ??= defaultSimulatedLatencyMs;
  const jwtSecret = options.config.jwtSecret ?? { name: 'SLUICE_JWT_SECRET', value: secrets.jwtSecret };
  return {
    config: { ...options.config, port, jwtSecret },
    functions,
    stop: () => functions.stop(),
  };
}
