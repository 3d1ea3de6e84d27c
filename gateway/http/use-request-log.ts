import { randomUUID } from 'node:crypto';
import type { Plugin } from 'graphql-yoga';
import type { Logger } from 'pino';
import type { Session } from '../session/index.js';

interface RequestLog {
  readonly id: string;
  readonly started: bigint;
  operationNames: string[];
}

/**
 * One pino line per request: request id, role, operation names, duration and outcome. Headers
 * are never logged (the admin secret and tokens live there); the id is echoed as
 * `x-request-id` so a caller can quote it.
 */
export function useRequestLog(logger: Logger, sessions: WeakMap<Request, Session>): Plugin {
  const logs = new WeakMap<Request, RequestLog>();
  return {
    onRequest({ request }) {
      const given = request.headers.get('x-request-id');
      const id = given && /^[\w.-]{1,128}$/.test(given) ? given : randomUUID();
      logs.set(request, { id, started: process.hrtime.bigint(), operationNames: [] });
    },
    onParams({ request, params }) {
      const log = logs.get(request);
      if (log && params.operationName) log.operationNames.push(params.operationName);
    },
    onResponse({ request, response }) {
      const log = logs.get(request);
      if (!log) return;
      response.headers.set('x-request-id', log.id);
      const durationMs = Number(process.hrtime.bigint() - log.started) / 1e6;
      const url = new URL(request.url);
      logger.info(
        {
          requestId: log.id,
          method: request.method,
          path: url.pathname,
          role: sessions.get(request)?.role,
          operationName: log.operationNames.length > 0 ? log.operationNames.join(',') : undefined,
          status: response.status,
          durationMs: Math.round(durationMs * 100) / 100,
        },
        'request',
      );
    },
  };
}
