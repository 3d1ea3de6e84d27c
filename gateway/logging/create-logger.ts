/**
 * The gateway's one logger: pino JSON lines on stdout (or `destination`, for tests). Secrets are
 * redacted by path so that a careless `logger.info({ req })` or `logger.info({ config })` cannot
 * leak them; connection strings keep their host and database but lose their password.
 */
import pino, { type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from '../config/config.js';
import { redactUrl } from './redact-url.js';

const secretPaths = [
  'req.headers["x-hasura-admin-secret"]',
  'req.headers.authorization',
  'req.headers.cookie',
  'adminSecret',
  '*.adminSecret',
  'password',
  '*.password',
];

// Censored with `redactUrl` rather than blanked: the host and database name help operators.
const urlPaths = ['databaseUrl', '*.databaseUrl', 'connectionString', '*.connectionString', 'url', '*.url'];

const urlKeys = new Set(['databaseUrl', 'connectionString', 'url']);

function censor(value: unknown, path: string[]): unknown {
  const key = path[path.length - 1];
  if (key !== undefined && urlKeys.has(key)) {
    // Only postgres URLs carry secrets we know how to strip; other URLs (the listen address) stay.
    return typeof value === 'string' && /^postgres(ql)?:/i.test(value) ? redactUrl(value) : value;
  }
  return '[Redacted]';
}

export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  const options = {
    level,
    name: 'sluice',
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: [...secretPaths, ...urlPaths], censor },
  };
  return destination ? pino(options, destination) : pino(options);
}
