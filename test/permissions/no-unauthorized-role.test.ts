/**
 * Admin-secret mode without an unauthorized role (reference §9): a request without credentials
 * is refused before anything is planned, whatever role or session headers it brings; on
 * `/v1/graphql` the 401 comes back as HTTP 200, other endpoints keep it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, errorOf, startTestGateway, type HttpResult, type TestGateway } from '../support/test-gateway.js';
import { applyTenantMetadata, tenantSchemaSql } from '../support/tenant-fixture.js';

let g: TestGateway;
const secret = 'only-the-secret';

beforeAll(async () => {
  g = await startTestGateway({
    example: false,
    setupSql: `${tenantSchemaSql}
      INSERT INTO tenant VALUES (1, 'acme', 'Acme', 'pro');
      INSERT INTO project VALUES (101, 1, NULL, 'Apollo', true, 'apollo secret');`,
    env: { SLUICE_ADMIN_SECRET: secret, SLUICE_AUTO_TRACK: 'false' },
  });
  await applyTenantMetadata(g);
});

afterAll(async () => {
  await g?.close();
});

function expectDenied(result: HttpResult, status: number, message: string): void {
  expect(result.status).toBe(status);
  expect(Object.keys(result.body as object)).toEqual(['errors']);
  expect(errorOf(result)).toEqual({ message, extensions: { path: '$', code: 'access-denied' } });
}

describe('without credentials and without an unauthorized role', () => {
  const required = '"x-hasura-admin-secret"/"x-hasura-access-key" required, but not found';

  it('refuses a request that brings nothing', async () => {
    expectDenied(await g.graphql('{ project { id } }', undefined, {}), 200, required);
  });

  it('refuses a request that names a role and session variables but has no secret', async () => {
    const headers = { 'x-hasura-role': 'user', 'x-hasura-tenant-id': '1', 'x-hasura-user-id': '11', 'x-hasura-tenant-slug': 'acme' };
    expectDenied(await g.graphql('{ project { id } }', undefined, headers), 200, required);
    expectDenied(await g.graphql('{ project { id } }', undefined, { 'x-hasura-role': 'anonymous' }), 200, required);
  });

  it('refuses a wrong secret', async () => {
    expectDenied(await g.graphql('{ project { id } }', undefined, { 'x-hasura-admin-secret': `${secret}x` }), 200, 'invalid "x-hasura-admin-secret"/"x-hasura-access-key"');
    expectDenied(await g.graphql('{ project { id } }', undefined, { 'x-hasura-admin-secret': '' }), 200, 'invalid "x-hasura-admin-secret"/"x-hasura-access-key"');
  });

  it('keeps the 401 on the metadata endpoint', async () => {
    const result = await g.post('/v1/metadata', { type: 'export_metadata', args: {} }, {});
    expect(result.status).toBe(401);
    expect(result.body).toMatchObject({ code: 'access-denied', error: required });
  });

  it('accepts the secret in the old x-hasura-access-key header, acting as the named role', async () => {
    const headers = { 'x-hasura-access-key': secret, 'x-hasura-role': 'user', 'x-hasura-tenant-id': '1' };
    expect(dataOf(await g.graphql('{ project { id name } }', undefined, headers))).toEqual({ project: [{ id: 101, name: 'Apollo' }] });
    expect(errorOf(await g.graphql('{ project { secret_notes } }', undefined, headers)).extensions.code).toBe('validation-failed');
  });
});
