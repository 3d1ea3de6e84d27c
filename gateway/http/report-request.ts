import type { Logger } from 'pino';
import type { GatewayMetrics, OperationType } from '../metrics/index.js';

/** One finished request, as the request log writes it and the metrics count it. */
export interface RequestReport {
  readonly requestId: string;
  readonly method: string;
  readonly path: string;
  readonly role: string | undefined;
  /** What the request was; undefined for the routes the metrics do not count (health, version, `/metrics`, 404). */
  readonly operationType: OperationType | undefined;
  /** The operation name(s) the client gave, comma-joined for a batch. */
  readonly operationName: string | undefined;
  readonly status: number;
  /** Whether the answer was an error, whatever the status (GraphQL errors answer 200). */
  readonly failed: boolean;
  readonly durationMs: number;
  /** Answered by the fast path (cached document and plan, no yoga); logged, so a profile can be read against it. */
  readonly fastPath?: boolean;
}

/** Writes a request's log line and records its metrics. */
export type RequestReporter = (report: RequestReport) => void;

/**
 * The one place a finished request is reported: a pino line (request id, role, operation,
 * status, duration — never headers) and `metrics.recordRequest`. The request log calls it for
 * everything yoga answers; any path that answers without yoga calls it the same way.
 */
export function createRequestReporter(logger: Logger, metrics: GatewayMetrics): RequestReporter {
  // The line is built below from these fields only, none of them a secret, so it skips the
  // logger's redaction pass: that pass cost about 12 µs a line, more than writing the line, on
  // every request. Same destination and format; `logger`'s level, read on each request, decides.
  const requestLog = logger.child({}, { level: 'info', redact: [] });
  return (report) => {
    if (logger.isLevelEnabled('info')) {
      requestLog.info(
        {
          requestId: report.requestId,
          method: report.method,
          path: report.path,
          role: report.role,
          operationType: report.operationType,
          operationName: report.operationName,
          status: report.status,
          durationMs: Math.round(report.durationMs * 100) / 100,
          ...(report.fastPath ? { fastPath: true } : {}),
        },
        'request',
      );
    }
    if (report.operationType === undefined) return;
    metrics.recordRequest({
      operationType: report.operationType,
      operationName: report.operationType === 'batch' ? undefined : report.operationName,
      role: report.role,
      status: report.status,
      failed: report.failed,
      durationSeconds: report.durationMs / 1000,
    });
  };
}
