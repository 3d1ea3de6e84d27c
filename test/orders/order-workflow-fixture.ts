/**
 * The order workflow as `sluice start` runs it, on a fresh test database: the example migrations
 * and metadata, the function runner with the example's service keys (secrets in a temp file),
 * and the gateway serving on a real port, since the delivery worker calls the functions and the
 * functions call the gateway over HTTP. The fake outside services answer at once.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyExampleMetadata } from '../../gateway/cli/apply-example-metadata.js';
import { serveGateway, type RunningGateway } from '../../gateway/cli/serve-gateway.js';
import { startOrderWorkflow, type OrderWorkflow } from '../../gateway/cli/start-order-workflow.js';
import { loadConfig } from '../../gateway/config/index.js';
import { runMigrations } from '../../gateway/database/index.js';
import { createLogger } from '../../gateway/logging/index.js';
import { readExampleSecrets, type ExampleSecrets } from '../../functions/orders/example-secrets.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

export interface OrderWorkflowFixture {
  readonly db: TestDatabase;
  /** The gateway's base URL (`http://localhost:<port>`). */
  readonly url: string;
  readonly adminSecret: string;
  readonly workflow: OrderWorkflow;
  readonly secrets: ExampleSecrets;
  /** POST /v1/metadata as admin; throws unless 200. */
  metadata(type: string, args: unknown): Promise<unknown>;
  close(): Promise<void>;
}

export async function startOrderWorkflowFixture(): Promise<OrderWorkflowFixture> {
  const logger = createLogger('error');
  const db = await createTestDatabase('sluice_orders');
  const dir = await mkdtemp(join(tmpdir(), 'sluice-orders-'));
  const secretsPath = join(dir, 'example-secrets.json');
  let workflow: OrderWorkflow | undefined;
  let running: RunningGateway | undefined;
  try {
    await runMigrations(db.url, { example: true }, logger);
    const adminSecret = 'order-workflow-test-secret';
    const config = loadConfig({ DATABASE_URL: db.url, PORT: '0', SLUICE_ADMIN_SECRET: adminSecret, SLUICE_POOL_MAX: '8' });
    await applyExampleMetadata({ ...config, databaseUrl: db.url }, logger);
    // The delivery worker and the functions read these from the process environment (this test
    // file's own process): no simulated latency, and the runner's URL set by the workflow.
    process.env.ORDER_SIMULATED_LATENCY_MS = '0';
    delete process.env.ORDER_FUNCTIONS_URL;
    workflow = await startOrderWorkflow({ config: { ...config, databaseUrl: db.url }, env: process.env, logger, secretsPath });
    running = await serveGateway(workflow.config, logger);
    const url = running.url;
    const secrets = (await readExampleSecrets(secretsPath))!;
    const started = workflow;
    const gateway = running;
    return {
      db,
      url,
      adminSecret,
      workflow: started,
      secrets,
      async metadata(type, args) {
        const response = await fetch(`${url}/v1/metadata`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-hasura-admin-secret': adminSecret },
          body: JSON.stringify({ type, args }),
        });
        const body: unknown = await response.json();
        if (response.status !== 200) throw new Error(`${type} failed (${response.status}): ${JSON.stringify(body)}`);
        return body;
      },
      async close() {
        await gateway.close();
        await started.stop();
        await db.drop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await running?.close().catch(() => undefined);
    await workflow?.stop().catch(() => undefined);
    await db.drop().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/** Polls until `condition` holds; fails with `what` after `timeoutMs`. */
export async function waitFor(condition: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
