import { describe, expect, it } from 'vitest';
import { describeFixtureFailure, operationAt } from './describe-fixture-failure.js';

const bulk = {
  type: 'bulk',
  args: [
    { type: 'run_sql', args: { sql: 'create table a ()' } },
    { type: 'track_table', args: { schema: 'public', name: 'a' } },
  ],
};

describe('operationAt', () => {
  it('finds the bulk item a Hasura error path points into', () => {
    expect(operationAt(bulk, '$.args[1].args.name')).toEqual({ at: '$.args[1]', type: 'track_table' });
  });

  it('names the request itself for a single operation', () => {
    expect(operationAt({ type: 'run_sql', args: {} }, '$.args')).toEqual({ at: '$', type: 'run_sql' });
  });
});

describe('describeFixtureFailure', () => {
  it('gives code, path, operation and the Postgres message of a postgres-error', () => {
    const body = {
      code: 'postgres-error',
      error: 'query execution failed',
      path: '$.args[0].args',
      internal: { error: { message: 'type "geometry" does not exist', status_code: '42704', description: null, hint: null } },
    };
    expect(describeFixtureFailure(bulk, 400, body)).toBe(
      'status 400 postgres-error at $.args[0].args (run_sql at $.args[0]): "query execution failed" — type "geometry" does not exist [42704]',
    );
  });

  it('shows other internal detail as JSON', () => {
    const body = { code: 'invalid-configuration', error: 'bad', path: '$.args[1].args', internal: [{ type: 'table' }] };
    expect(describeFixtureFailure(bulk, 400, body)).toBe(
      'status 400 invalid-configuration at $.args[1].args (track_table at $.args[1]): "bad" — [{"type":"table"}]',
    );
  });

  it('falls back to the raw body when it is not a Hasura error', () => {
    expect(describeFixtureFailure(bulk, 500, 'oops')).toBe('status 500 ("oops")');
  });
});
