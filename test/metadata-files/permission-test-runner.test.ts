import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { sluice } from './cli-process.js';

const metadataDir = fileURLToPath(new URL('../../metadata/', import.meta.url));
let work: string;

const invoicesTest = (total: number): string => `
- name: a customer sees only its own invoices
  role: customer
  session:
    X-Hasura-Customer-Id: "2"
  query: |
    query ($first: Int!) { invoice(order_by: {invoice_id: asc}, limit: $first) { invoice_id total } }
  variables:
    first: 1
  expect:
    data:
      invoice:
        - { invoice_id: 1, total: ${total} }
- name: anonymous cannot see invoices
  role: anonymous
  query: "{ invoice { invoice_id } }"
  expect:
    error:
      code: validation-failed
`;

async function testsDir(name: string, content: string): Promise<string> {
  const dir = join(work, name);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'invoices.yaml'), content);
  return dir;
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'sluice-permission-tests-'));
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

// Each run builds a database from the migrations and starts a gateway: give it room on a busy machine.
describe('sluice test', { timeout: 180_000 }, () => {
  const env = (): Record<string, string> => ({ TEST_DATABASE_URL: inject('adminDatabaseUrl') });

  it('passes when every expectation holds', async () => {
    const dir = await testsDir('right', invoicesTest(1.98));
    const result = await sluice(['test', dir, '--metadata', metadataDir], env());
    expect(result.stdout.split('\n').slice(1)).toEqual([
      'PASS invoices.yaml:2 a customer sees only its own invoices',
      'PASS invoices.yaml:14 anonymous cannot see invoices',
      '2 passed, 0 failed',
      '',
    ]);
    expect(result.code).toBe(0);
  });

  it('fails, saying what it expected and what it got, on a wrong expectation', async () => {
    const dir = await testsDir('wrong', invoicesTest(99));
    const result = await sluice(['test', dir, '--metadata', metadataDir], env());
    expect(result.stdout.split('\n').slice(1)).toEqual([
      'FAIL invoices.yaml:2 a customer sees only its own invoices',
      '       expected data: {"invoice":[{"invoice_id":1,"total":99}]}',
      '       got data:      {"invoice":[{"invoice_id":1,"total":1.98}]}',
      'PASS invoices.yaml:14 anonymous cannot see invoices',
      '1 passed, 1 failed',
      '',
    ]);
    expect(result.code).toBe(1);
  });

  it('reports a malformed test file with its line and runs nothing', async () => {
    const dir = await testsDir('malformed', invoicesTest(1.98).replace('  expect:\n    data:', '  expected:\n    data:'));
    const result = await sluice(['test', dir, '--metadata', metadataDir], env());
    expect(result).toMatchObject({
      code: 1,
      stdout: [
        '2 problem(s):',
        '  invoices.yaml:2: test "a customer sees only its own invoices" has no "expect"',
        '  invoices.yaml:10: unknown key "expected" in a test (expected name, role, session, query, variables, expect)',
        '',
      ].join('\n'),
    });
  });

  it('passes the example application\'s own tests', async () => {
    const result = await sluice(['test', join(metadataDir, 'tests')], env());
    expect(result.stdout).toMatch(/^\d+ passed, 0 failed$/m);
    expect(result.code).toBe(0);
  });
});
