import { getOperationAST, type DocumentNode, type ExecutionArgs } from 'graphql';
import { requestIdOf } from './request-id.js';
import type { Plugin } from 'graphql-yoga';
import type { Session } from '../session/index.js';
import type { OperationType } from '../metrics/index.js';
import type { RequestReporter } from './report-request.js';

interface RequestLog {
  readonly id: string;
  readonly started: bigint;
  operationNames: string[];
  operationTypes: OperationType[];
  /** A GraphQL result was produced (false: answered early, by an auth failure say). */
  processed: boolean;
  failed: boolean;
}

const graphqlPaths = new Set(['/v1/graphql', '/v1alpha1/graphql']);
const adminPaths = new Set(['/v1/metadata', '/v1/query', '/v2/query']);
const explainPaths = new Set(['/v1/graphql/explain', '/v1alpha1/graphql/explain']);

function operationTypeOf(document: DocumentNode, operationName: string | null | undefined): OperationType {
  return getOperationAST(document, operationName ?? undefined)?.operation ?? 'unknown';
}

/** What the metrics count a request as, from its path and the operations it ran. */
function requestKind(path: string, log: RequestLog): OperationType | undefined {
  if (graphqlPaths.has(path)) {
    if (log.operationTypes.length === 0) return 'unknown';
    return log.operationTypes.length === 1 ? log.operationTypes[0] : 'batch';
  }
  if (adminPaths.has(path)) return 'admin';
  if (explainPaths.has(path)) return 'explain';
  return undefined;
}

/**
 * One report per request (log line and metrics): request id, role, operation, duration and
 * outcome. Headers are never logged (the admin secret and tokens live there); the id is echoed
 * as `x-request-id` so a caller can quote it.
 */
export function useRequestLog(report: RequestReporter, sessions: WeakMap<Request, Session>): Plugin {
  const logs = new WeakMap<Request, RequestLog>();
  const noteOperation = (args: ExecutionArgs) => {
    const request = (args.contextValue as { request?: Request } | undefined)?.request;
    const log = request && logs.get(request);
    if (log) log.operationTypes.push(operationTypeOf(args.document, args.operationName));
  };
  return {
    onRequest({ request }) {
      const id = requestIdOf(request.headers.get('x-request-id'));
      logs.set(request, { id, started: process.hrtime.bigint(), operationNames: [], operationTypes: [], processed: false, failed: false });
    },
    onParams({ request, params }) {
      const log = logs.get(request);
      if (log && params.operationName) log.operationNames.push(params.operationName);
    },
    onExecute({ args }) {
      noteOperation(args);
    },
    onSubscribe({ args }) {
      noteOperation(args);
    },
    onResultProcess({ request, result }) {
      const log = logs.get(request);
      if (!log) return;
      log.processed = true;
      const results = Array.isArray(result) ? result : [result];
      if (results.some((r) => typeof r === 'object' && r !== null && Array.isArray((r as { errors?: unknown }).errors) && (r as { errors: unknown[] }).errors.length > 0)) {
        log.failed = true;
      }
    },
    onResponse({ request, response }) {
      const log = logs.get(request);
      if (!log) return;
      response.headers.set('x-request-id', log.id);
      const path = new URL(request.url).pathname.replace(/\/+$/, '') || '/';
      const operationType = requestKind(path, log);
      report({
        requestId: log.id,
        method: request.method,
        path,
        role: sessions.get(request)?.role,
        operationType,
        operationName: log.operationNames.length > 0 ? log.operationNames.join(',') : undefined,
        status: response.status,
        failed: log.failed || response.status >= 400 || (graphqlPaths.has(path) && !log.processed),
        durationMs: Number(process.hrtime.bigint() - log.started) / 1e6,
      });
    },
  };
}
