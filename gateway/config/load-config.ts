/**
 * Reads the gateway's settings from environment variables, once, at startup. Every variable has a
 * Sluice name; some also accept the Hasura v2 name (used only when the Sluice name is absent) so
 * an existing Hasura deployment's environment works unchanged.
 */
import type { BackpressureSettings, Config, LogLevel } from './config.js';
import { redactUrl } from '../logging/redact-url.js';

/** A bad setting: `message` is one line naming the variable and what it expects. */
export class ConfigError extends Error {
  readonly variable: string;

  constructor(variable: string, message: string) {
    super(message);
    this.name = 'ConfigError';
    this.variable = variable;
  }
}

export function isConfigError(error: unknown): error is ConfigError {
  return error instanceof ConfigError;
}

const logLevels: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const trueWords = new Set(['true', '1', 'yes', 'on']);
const falseWords = new Set(['false', '0', 'no', 'off']);
// Postgres stores timeouts as a 32-bit int of milliseconds.
const maxInt32 = 2_147_483_647;

/** Echoes a bad value quoted and escaped, so a stray newline cannot split the one-line message. */
function quote(value: string): string {
  return JSON.stringify(value);
}

interface Setting {
  readonly name: string;
  readonly value: string;
}

/**
 * The first of `names` that is set. An empty value counts as unset, so `FOO=` in a compose file
 * means "use the default" rather than "invalid".
 */
function read(env: NodeJS.ProcessEnv, ...names: string[]): Setting | undefined {
  for (const name of names) {
    const value = env[name];
    if (value !== undefined && value.trim() !== '') return { name, value: value.trim() };
  }
  return undefined;
}

function integer(setting: Setting | undefined, fallback: number, min: number, max: number, expected: string): number {
  if (!setting) return fallback;
  const parsed = /^\d+$/.test(setting.value) ? Number(setting.value) : Number.NaN;
  if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
    throw new ConfigError(setting.name, `${setting.name} must be ${expected}, got ${quote(setting.value)}`);
  }
  return parsed;
}

function boolean(setting: Setting | undefined, fallback: boolean): boolean {
  if (!setting) return fallback;
  const word = setting.value.toLowerCase();
  if (trueWords.has(word)) return true;
  if (falseWords.has(word)) return false;
  throw new ConfigError(
    setting.name,
    `${setting.name} must be one of true/false/1/0/yes/no/on/off, got ${quote(setting.value)}`,
  );
}

function logLevel(setting: Setting | undefined): LogLevel {
  if (!setting) return 'info';
  const level = logLevels.find((candidate) => candidate === setting.value.toLowerCase());
  if (!level) {
    throw new ConfigError(setting.name, `${setting.name} must be one of ${logLevels.join('/')}, got ${quote(setting.value)}`);
  }
  return level;
}

function databaseUrl(setting: Setting | undefined): string | undefined {
  if (!setting) return undefined;
  let url: URL;
  try {
    url = new URL(setting.value);
  } catch {
    // Not echoed: a malformed URL may still contain a password.
    throw new ConfigError(setting.name, `${setting.name} must be a postgres:// or postgresql:// URL, got a value that is not a URL`);
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new ConfigError(
      setting.name,
      `${setting.name} must be a postgres:// or postgresql:// URL, got ${quote(redactUrl(setting.value))}`,
    );
  }
  return setting.value;
}

function adminSecret(env: NodeJS.ProcessEnv): string | undefined {
  for (const name of ['SLUICE_ADMIN_SECRET', 'HASURA_GRAPHQL_ADMIN_SECRET']) {
    const value = env[name];
    if (value === undefined) continue;
    // Fail closed: `SLUICE_ADMIN_SECRET=$UNSET_VAR` must not silently open an admin-for-everyone gateway.
    if (value.trim() === '') {
      throw new ConfigError(name, `${name} must not be empty (unset it to run in dev mode without a secret)`);
    }
    return value;
  }
  return undefined;
}

function schemaList(setting: Setting | undefined): readonly string[] {
  if (!setting) return ['public'];
  const names = setting.value.split(',').map((name) => name.trim());
  if (names.some((name) => name === '')) {
    throw new ConfigError(setting.name, `${setting.name} must be a comma-separated list of schema names, got ${quote(setting.value)}`);
  }
  return [...new Set(names)];
}

function roleName(setting: Setting | undefined): string | undefined {
  if (!setting) return undefined;
  if (setting.value === 'admin') throw new ConfigError(setting.name, `${setting.name} must not be "admin"`);
  return setting.value;
}

/**
 * `SLUICE_ROLE_CONCURRENCY`: `role=limit` pairs separated by commas (`payments=5,reporting=2`).
 * A role name may hold `=`; the limit is what follows the last one.
 */
function roleConcurrency(setting: Setting | undefined): ReadonlyMap<string, number> {
  const limits = new Map<string, number>();
  if (!setting) return limits;
  const expected = `${setting.name} must be comma-separated role=limit pairs with positive integer limits (payments=5,reporting=2)`;
  for (const pair of setting.value.split(',')) {
    const at = pair.lastIndexOf('=');
    const role = pair.slice(0, Math.max(at, 0)).trim();
    const limit = pair.slice(at + 1).trim();
    if (at < 0 || role === '' || !/^\d+$/.test(limit) || Number(limit) < 1 || Number(limit) > 10_000) {
      throw new ConfigError(setting.name, `${expected}, got ${quote(setting.value)}`);
    }
    if (limits.has(role)) throw new ConfigError(setting.name, `${setting.name} names role ${quote(role)} twice`);
    limits.set(role, Number(limit));
  }
  return limits;
}

function backpressure(env: NodeJS.ProcessEnv, poolMax: number): BackpressureSettings {
  const defaultLimit = read(env, 'SLUICE_ROLE_CONCURRENCY_DEFAULT');
  return {
    queueMax: integer(read(env, 'SLUICE_POOL_QUEUE_MAX'), poolMax * 50, 0, 1_000_000, 'an integer from 0 to 1000000'),
    roleConcurrency: roleConcurrency(read(env, 'SLUICE_ROLE_CONCURRENCY')),
    roleConcurrencyDefault: defaultLimit ? integer(defaultLimit, 0, 1, 10_000, 'an integer from 1 to 10000') : undefined,
    saturationWarnMs: integer(read(env, 'SLUICE_POOL_SATURATION_WARN_MS'), 10_000, 100, maxInt32, 'a positive integer (milliseconds, at least 100)'),
    sharedReads: integer(read(env, 'SLUICE_POOL_SHARED_READS'), 8, 1, 1_000, 'an integer from 1 to 1000'),
  };
}

/** Used as given (not trimmed), like the admin secret; empty means unset. */
function metricsSecret(env: NodeJS.ProcessEnv): string | undefined {
  const value = env.SLUICE_METRICS_SECRET;
  return value === undefined || value.trim() === '' ? undefined : value;
}

/** Parses and validates the environment; throws a `ConfigError` on the first bad value. */
export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const config = readConfig(env);
  // As Hasura refuses `--jwt-secret` without `--admin-secret`: without a secret every request
  // without a token would be admin (dev mode), which nobody setting up JWTs means. `sluice start`
  // adds the example's JWT secret after this check, for its demo only.
  if (config.jwtSecret !== undefined && config.adminSecret === undefined) {
    throw new ConfigError(
      config.jwtSecret.name,
      `${config.jwtSecret.name} requires SLUICE_ADMIN_SECRET (or HASURA_GRAPHQL_ADMIN_SECRET): without it every request without a token would be admin`,
    );
  }
  return config;
}

function readConfig(env: NodeJS.ProcessEnv): Config {
  const poolMax = integer(read(env, 'SLUICE_POOL_MAX', 'HASURA_GRAPHQL_PG_CONNECTIONS'), 20, 1, 10_000, 'a positive integer');
  return {
    databaseUrl: databaseUrl(read(env, 'DATABASE_URL', 'HASURA_GRAPHQL_DATABASE_URL')),
    port: integer(read(env, 'PORT', 'HASURA_GRAPHQL_SERVER_PORT'), 8080, 0, 65_535, 'an integer from 0 to 65535'),
    adminSecret: adminSecret(env),
    poolMax,
    poolTimeoutMs: integer(read(env, 'SLUICE_POOL_TIMEOUT_MS'), 5_000, 1, maxInt32, 'a positive integer (milliseconds)'),
    // glibc raises its thresholds for a freed block of at most 32 MiB; a larger one changes nothing.
    poolHeapPrimeKb: integer(read(env, 'SLUICE_POOL_HEAP_PRIME_KB'), 1024, 0, 32_768, 'an integer from 0 to 32768 (kilobytes, 0 = none)'),
    statementTimeoutMs: integer(
      read(env, 'SLUICE_STATEMENT_TIMEOUT_MS'),
      30_000,
      0,
      maxInt32,
      'a non-negative integer (milliseconds, 0 = no timeout)',
    ),
    logLevel: logLevel(read(env, 'SLUICE_LOG_LEVEL', 'HASURA_GRAPHQL_LOG_LEVEL')),
    exposeSchemas: schemaList(read(env, 'SLUICE_EXPOSE_SCHEMAS')),
    autoTrack: boolean(read(env, 'SLUICE_AUTO_TRACK'), true),
    stringifyNumericTypes: boolean(read(env, 'SLUICE_STRINGIFY_NUMERIC_TYPES', 'HASURA_GRAPHQL_STRINGIFY_NUMERIC_TYPES'), false),
    maxBodyBytes: integer(read(env, 'SLUICE_MAX_BODY_BYTES'), 10 * 1024 * 1024, 1, maxInt32, 'a positive integer (bytes)'),
    listenBacklog: integer(read(env, 'SLUICE_LISTEN_BACKLOG'), 4096, 1, 65_535, 'an integer from 1 to 65535'),
    unauthorizedRole: roleName(read(env, 'SLUICE_UNAUTHORIZED_ROLE', 'HASURA_GRAPHQL_UNAUTHORIZED_ROLE')),
    jwtSecret: read(env, 'SLUICE_JWT_SECRET', 'HASURA_GRAPHQL_JWT_SECRET'),
    reload: {
      listen: boolean(read(env, 'SLUICE_RELOAD_LISTEN'), true),
      pollIntervalMs: integer(read(env, 'SLUICE_RELOAD_POLL_INTERVAL_MS'), 5_000, 100, maxInt32, 'a positive integer (milliseconds, at least 100)'),
    },
    events: {
      delivery: boolean(read(env, 'SLUICE_EVENT_DELIVERY'), true),
      retentionHours: integer(read(env, 'SLUICE_EVENT_RETENTION_HOURS'), 168, 1, 1_000_000, 'a positive integer (hours)'),
      pollIntervalMs: integer(
        read(env, 'SLUICE_EVENT_POLL_INTERVAL_MS', 'HASURA_GRAPHQL_EVENTS_FETCH_INTERVAL'),
        1_000,
        10,
        maxInt32,
        'a positive integer (milliseconds, at least 10)',
      ),
      batchSize: integer(read(env, 'SLUICE_EVENT_BATCH_SIZE', 'HASURA_GRAPHQL_EVENTS_FETCH_BATCH_SIZE'), 100, 1, 10_000, 'an integer from 1 to 10000'),
      httpConcurrency: integer(
        read(env, 'SLUICE_EVENT_HTTP_CONCURRENCY', 'HASURA_GRAPHQL_EVENTS_HTTP_POOL_SIZE'),
        100,
        1,
        10_000,
        'an integer from 1 to 10000',
      ),
      listen: boolean(read(env, 'SLUICE_EVENT_LISTEN'), true),
      lockTimeoutSec: integer(read(env, 'SLUICE_EVENT_LOCK_TIMEOUT_SEC'), 1_800, 1, maxInt32, 'a positive integer (seconds)'),
    },
    backpressure: backpressure(env, poolMax),
    metricsSecret: metricsSecret(env),
  };
}
