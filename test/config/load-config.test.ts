import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../gateway/config/index.js';

function errorOf(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('uses the documented defaults for an empty environment', () => {
    expect(loadConfig({})).toEqual({
      databaseUrl: undefined,
      port: 8080,
      adminSecret: undefined,
      poolMax: 20,
      poolTimeoutMs: 5000,
      poolHeapPrimeKb: 1024,
      statementTimeoutMs: 30000,
      logLevel: 'info',
      exposeSchemas: ['public'],
      autoTrack: true,
      stringifyNumericTypes: false,
      maxBodyBytes: 10 * 1024 * 1024,
      listenBacklog: 4096,
      reload: { listen: true, pollIntervalMs: 5000 },
      events: { delivery: true, retentionHours: 168, pollIntervalMs: 1000, batchSize: 100, httpConcurrency: 100, listen: true, lockTimeoutSec: 1800 },
      backpressure: { queueMax: 1000, roleConcurrency: new Map(), roleConcurrencyDefault: undefined, saturationWarnMs: 10000, sharedReads: 8 },
    });
  });

  it('reads the backpressure settings: queue bound, per-role limits, saturation warning, metrics secret', () => {
    const config = loadConfig({
      SLUICE_POOL_MAX: '4',
      SLUICE_ROLE_CONCURRENCY: ' payments=5, reporting = 2 ,a=b=1',
      SLUICE_ROLE_CONCURRENCY_DEFAULT: '3',
      SLUICE_POOL_SATURATION_WARN_MS: '2500',
      SLUICE_METRICS_SECRET: 'scrape-me',
      SLUICE_POOL_SHARED_READS: '1',
    });
    expect(config.backpressure).toEqual({
      queueMax: 200,
      roleConcurrency: new Map([['payments', 5], ['reporting', 2], ['a=b', 1]]),
      roleConcurrencyDefault: 3,
      saturationWarnMs: 2500,
      sharedReads: 1,
    });
    expect(errorOf({ SLUICE_POOL_HEAP_PRIME_KB: '32769' }).message).toBe(
      'SLUICE_POOL_HEAP_PRIME_KB must be an integer from 0 to 32768 (kilobytes, 0 = none), got "32769"',
    );
    expect(errorOf({ SLUICE_POOL_SHARED_READS: '0' }).message).toBe('SLUICE_POOL_SHARED_READS must be an integer from 1 to 1000, got "0"');
    expect(config.metricsSecret).toBe('scrape-me');
    expect(loadConfig({ SLUICE_POOL_QUEUE_MAX: '0' }).backpressure?.queueMax).toBe(0);
    expect(errorOf({ SLUICE_ROLE_CONCURRENCY: 'payments' }).message).toBe(
      'SLUICE_ROLE_CONCURRENCY must be comma-separated role=limit pairs with positive integer limits (payments=5,reporting=2), got "payments"',
    );
    expect(errorOf({ SLUICE_ROLE_CONCURRENCY: 'payments=0' }).variable).toBe('SLUICE_ROLE_CONCURRENCY');
    expect(errorOf({ SLUICE_ROLE_CONCURRENCY: '=3' }).variable).toBe('SLUICE_ROLE_CONCURRENCY');
    expect(errorOf({ SLUICE_ROLE_CONCURRENCY: 'a=1,a=2' }).message).toBe('SLUICE_ROLE_CONCURRENCY names role "a" twice');
    expect(errorOf({ SLUICE_ROLE_CONCURRENCY_DEFAULT: '0' }).variable).toBe('SLUICE_ROLE_CONCURRENCY_DEFAULT');
    expect(errorOf({ SLUICE_POOL_QUEUE_MAX: '-1' }).variable).toBe('SLUICE_POOL_QUEUE_MAX');
  });

  it('refuses a JWT secret without an admin secret, as Hasura does', () => {
    const error = errorOf({ HASURA_GRAPHQL_JWT_SECRET: '{"type":"HS256","key":"0123456789abcdef0123456789abcdef"}' });
    expect(error.variable).toBe('HASURA_GRAPHQL_JWT_SECRET');
    expect(error.message).toContain('requires SLUICE_ADMIN_SECRET');
    expect(loadConfig({ SLUICE_JWT_SECRET: '{"type":"HS256","key":"k"}', SLUICE_ADMIN_SECRET: 's' }).jwtSecret?.name).toBe('SLUICE_JWT_SECRET');
  });

  it('reads the reload and event delivery settings, with Hasura names as aliases', () => {
    const config = loadConfig({
      SLUICE_RELOAD_LISTEN: 'off',
      SLUICE_RELOAD_POLL_INTERVAL_MS: '750',
      SLUICE_EVENT_DELIVERY: 'false',
      SLUICE_EVENT_RETENTION_HOURS: '24',
      HASURA_GRAPHQL_EVENTS_FETCH_INTERVAL: '250',
      HASURA_GRAPHQL_EVENTS_FETCH_BATCH_SIZE: '20',
      SLUICE_EVENT_HTTP_CONCURRENCY: '8',
      SLUICE_EVENT_LISTEN: 'no',
      SLUICE_EVENT_LOCK_TIMEOUT_SEC: '90',
    });
    expect(config.reload).toEqual({ listen: false, pollIntervalMs: 750 });
    expect(config.events).toEqual({ delivery: false, retentionHours: 24, pollIntervalMs: 250, batchSize: 20, httpConcurrency: 8, listen: false, lockTimeoutSec: 90 });
    expect(errorOf({ SLUICE_EVENT_LOCK_TIMEOUT_SEC: '0' }).variable).toBe('SLUICE_EVENT_LOCK_TIMEOUT_SEC');
    expect(errorOf({ SLUICE_RELOAD_POLL_INTERVAL_MS: '5' }).variable).toBe('SLUICE_RELOAD_POLL_INTERVAL_MS');
    expect(errorOf({ SLUICE_EVENT_DELIVERY: 'sometimes' }).message).toContain('SLUICE_EVENT_DELIVERY must be one of');
  });

  it('reads every Sluice variable', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgresql://app:pw@db.internal:5433/shop?sslmode=require',
      PORT: '9000',
      SLUICE_ADMIN_SECRET: 's3cret',
      SLUICE_POOL_MAX: '7',
      SLUICE_POOL_TIMEOUT_MS: '250',
      SLUICE_POOL_HEAP_PRIME_KB: '0',
      SLUICE_STATEMENT_TIMEOUT_MS: '0',
      SLUICE_LOG_LEVEL: 'DEBUG',
      SLUICE_EXPOSE_SCHEMAS: ' public , sales,public',
      SLUICE_AUTO_TRACK: 'off',
      SLUICE_STRINGIFY_NUMERIC_TYPES: 'yes',
      SLUICE_MAX_BODY_BYTES: '1024',
    });
    expect(config).toMatchObject({
      databaseUrl: 'postgresql://app:pw@db.internal:5433/shop?sslmode=require',
      port: 9000,
      adminSecret: 's3cret',
      poolMax: 7,
      poolTimeoutMs: 250,
      poolHeapPrimeKb: 0,
      statementTimeoutMs: 0,
      logLevel: 'debug',
      exposeSchemas: ['public', 'sales'],
      autoTrack: false,
      stringifyNumericTypes: true,
      maxBodyBytes: 1024,
    });
  });

  it('accepts the Hasura names when the Sluice names are absent', () => {
    const config = loadConfig({
      HASURA_GRAPHQL_DATABASE_URL: 'postgres://h@localhost/db',
      HASURA_GRAPHQL_SERVER_PORT: '8081',
      HASURA_GRAPHQL_ADMIN_SECRET: 'hasura',
      HASURA_GRAPHQL_PG_CONNECTIONS: '50',
      HASURA_GRAPHQL_LOG_LEVEL: 'warn',
      HASURA_GRAPHQL_STRINGIFY_NUMERIC_TYPES: 'true',
    });
    expect(config).toMatchObject({
      databaseUrl: 'postgres://h@localhost/db',
      port: 8081,
      adminSecret: 'hasura',
      poolMax: 50,
      logLevel: 'warn',
      stringifyNumericTypes: true,
    });
  });

  it('prefers the Sluice name over the Hasura alias', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://sluice@localhost/a',
      HASURA_GRAPHQL_DATABASE_URL: 'postgres://hasura@localhost/b',
      SLUICE_POOL_MAX: '3',
      HASURA_GRAPHQL_PG_CONNECTIONS: 'not even checked',
      SLUICE_ADMIN_SECRET: 'ours',
      HASURA_GRAPHQL_ADMIN_SECRET: 'theirs',
    });
    expect(config).toMatchObject({ databaseUrl: 'postgres://sluice@localhost/a', poolMax: 3, adminSecret: 'ours' });
  });

  it.each(['true', 'TRUE', '1', 'yes', 'on'])('reads %s as true', (word) => {
    expect(loadConfig({ SLUICE_STRINGIFY_NUMERIC_TYPES: word }).stringifyNumericTypes).toBe(true);
  });

  it.each(['false', 'False', '0', 'no', 'off'])('reads %s as false', (word) => {
    expect(loadConfig({ SLUICE_AUTO_TRACK: word }).autoTrack).toBe(false);
  });

  it('treats an empty value as unset', () => {
    expect(loadConfig({ PORT: '', SLUICE_POOL_MAX: '  ', DATABASE_URL: '' })).toMatchObject({
      port: 8080,
      poolMax: 20,
      databaseUrl: undefined,
    });
  });

  it('rejects a non-integer pool size with one line naming the variable', () => {
    const error = errorOf({ SLUICE_POOL_MAX: 'abc' });
    expect(error.message).toBe('SLUICE_POOL_MAX must be a positive integer, got "abc"');
    expect(error.variable).toBe('SLUICE_POOL_MAX');
  });

  it.each([
    [{ SLUICE_POOL_MAX: '0' }, 'SLUICE_POOL_MAX must be a positive integer, got "0"'],
    [{ HASURA_GRAPHQL_PG_CONNECTIONS: '-5' }, 'HASURA_GRAPHQL_PG_CONNECTIONS must be a positive integer, got "-5"'],
    [{ PORT: '70000' }, 'PORT must be an integer from 0 to 65535, got "70000"'],
    [{ PORT: '80.5' }, 'PORT must be an integer from 0 to 65535, got "80.5"'],
    [{ SLUICE_POOL_TIMEOUT_MS: '0' }, 'SLUICE_POOL_TIMEOUT_MS must be a positive integer (milliseconds), got "0"'],
    [
      { SLUICE_STATEMENT_TIMEOUT_MS: '1e3' },
      'SLUICE_STATEMENT_TIMEOUT_MS must be a non-negative integer (milliseconds, 0 = no timeout), got "1e3"',
    ],
    [{ SLUICE_MAX_BODY_BYTES: '10MB' }, 'SLUICE_MAX_BODY_BYTES must be a positive integer (bytes), got "10MB"'],
    [{ SLUICE_AUTO_TRACK: 'maybe' }, 'SLUICE_AUTO_TRACK must be one of true/false/1/0/yes/no/on/off, got "maybe"'],
    [{ SLUICE_LOG_LEVEL: 'verbose' }, 'SLUICE_LOG_LEVEL must be one of fatal/error/warn/info/debug/trace/silent, got "verbose"'],
    [{ SLUICE_EXPOSE_SCHEMAS: 'public,,sales' }, 'SLUICE_EXPOSE_SCHEMAS must be a comma-separated list of schema names, got "public,,sales"'],
    [{ SLUICE_ADMIN_SECRET: '' }, 'SLUICE_ADMIN_SECRET must not be empty (unset it to run in dev mode without a secret)'],
  ])('rejects %o', (env, message) => {
    expect(errorOf(env).message).toBe(message);
  });

  it('rejects a database URL of another scheme without echoing its password', () => {
    const error = errorOf({ DATABASE_URL: 'mysql://root:hunter2@db/app' });
    expect(error.message).toBe('DATABASE_URL must be a postgres:// or postgresql:// URL, got "mysql://root:***@db/app"');
    expect(error.message).not.toContain('hunter2');
  });

  it('rejects a database URL that does not parse without echoing it', () => {
    const error = errorOf({ HASURA_GRAPHQL_DATABASE_URL: 'host=db password=hunter2' });
    expect(error.message).toBe('HASURA_GRAPHQL_DATABASE_URL must be a postgres:// or postgresql:// URL, got a value that is not a URL');
  });

  it('escapes the echoed value so the message stays on one line', () => {
    expect(errorOf({ SLUICE_POOL_MAX: 'a\nb"' }).message).toBe('SLUICE_POOL_MAX must be a positive integer, got "a\\nb\\""');
  });
});
