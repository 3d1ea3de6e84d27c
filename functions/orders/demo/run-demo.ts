/**
 * `npm run demo`: against a running `npm start`, signs in as a customer (a JWT signed with the
 * example's secret), places orders through /v1/graphql and shows each one move through the
 * workflow's states. Exits 0 when every order is delivered, 1 otherwise (a rejected or failed
 * order, or time running out), 2 for a usage mistake.
 *
 *   npm run demo -- [--orders 5] [--customer 1] [--url http://localhost:8080] [--timeout 60]
 *
 * The JWT secret is `SLUICE_JWT_SECRET` when set, otherwise the one `npm start` made in
 * `.data/example-secrets.json`.
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { exampleSecretsPath, readExampleSecrets } from '../example-secrets.js';
import { mintCustomerToken } from './mint-customer-token.js';
import { placeOrders } from './place-orders.js';
import { createProgressDisplay, orderSteps } from './render-progress.js';
import { watchOrders } from './watch-orders.js';

const usage = 'usage: npm run demo -- [--orders N] [--customer ID] [--url URL] [--timeout SECONDS]\n';

function positiveInteger(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`--${name} must be a positive whole number, got ${JSON.stringify(value)}`);
  return n;
}

async function jwtSecret(): Promise<string> {
  if (process.env.SLUICE_JWT_SECRET) return process.env.SLUICE_JWT_SECRET;
  const path = exampleSecretsPath(fileURLToPath(new URL('../../../', import.meta.url)));
  const secrets = await readExampleSecrets(path);
  if (secrets === null) throw new Error(`no ${path}: start the example with \`npm start\` first (it makes the secrets), or set SLUICE_JWT_SECRET`);
  return secrets.jwtSecret;
}

async function main(): Promise<number> {
  let options: { orders: number; customer: number; url: string; timeoutMs: number };
  try {
    const { values } = parseArgs({
      options: {
        orders: { type: 'string', default: '5' },
        customer: { type: 'string', default: '1' },
        url: { type: 'string', default: process.env.SLUICE_URL ?? `http://localhost:${process.env.PORT || 8080}` },
        timeout: { type: 'string', default: '60' },
      },
    });
    options = {
      orders: positiveInteger(values.orders, 'orders'),
      customer: positiveInteger(values.customer, 'customer'),
      url: values.url.replace(/\/+$/, ''),
      timeoutMs: positiveInteger(values.timeout, 'timeout') * 1000,
    };
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${usage}`);
    return 2;
  }
  const session = { url: `${options.url}/v1/graphql`, token: await mintCustomerToken(await jwtSecret(), options.customer) };
  const started = Date.now();
  let placed;
  try {
    placed = await placeOrders(session, options.orders);
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    if (cause?.code === 'ECONNREFUSED') throw new Error(`nothing answers at ${options.url}: is \`npm start\` running?`);
    throw error;
  }
  process.stdout.write(`Placed ${placed.length} orders as customer ${options.customer} at ${options.url}; following them through the workflow:\n`);
  process.stdout.write(`  (${orderSteps.join(' → ')})\n\n`);
  const display = createProgressDisplay(placed, process.stdout);
  const { orders, timedOut } = await watchOrders(session, placed.map((o) => o.id), { timeoutMs: options.timeoutMs, onProgress: (p) => display.update(p) });
  const delivered = orders.filter((o) => o.status === 'delivered').length;
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  process.stdout.write(`\n${delivered}/${placed.length} delivered in ${seconds} s${timedOut ? ` (gave up after ${options.timeoutMs / 1000} s)` : ''}\n`);
  return delivered === placed.length ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
