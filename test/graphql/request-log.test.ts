/**
 * The request reporter's log line: written without the logger's redaction pass (its fields are
 * fixed and hold no secret), but to the same stream, in the same format, and only while the
 * gateway's logger has `info` enabled, whatever its level was when the reporter was made.
 */
import { describe, expect, it } from 'vitest';
import { captureLog } from '../support/capture-log.js';
import { createRequestReporter, type RequestReport } from '../../gateway/http/report-request.js';
import { createLogger } from '../../gateway/logging/index.js';
import type { GatewayMetrics, RequestSample } from '../../gateway/metrics/index.js';

function recorder(): GatewayMetrics & { samples: RequestSample[] } {
  const samples: RequestSample[] = [];
  return { samples, recordRequest: (sample) => samples.push(sample), render: () => '' };
}

const report: RequestReport = {
  requestId: 'r-1',
  method: 'POST',
  path: '/v1/graphql',
  role: 'user',
  operationType: 'query',
  operationName: 'TrackByPk',
  status: 200,
  failed: false,
  durationMs: 1.23456,
  fastPath: true,
};

describe('createRequestReporter', () => {
  it('writes the request line in the logger format and counts the request', () => {
    const { stream, lines } = captureLog();
    const metrics = recorder();
    createRequestReporter(createLogger('info', stream), metrics)(report);
    expect(lines()).toEqual([
      expect.objectContaining({
        level: 30,
        name: 'sluice',
        msg: 'request',
        requestId: 'r-1',
        method: 'POST',
        path: '/v1/graphql',
        role: 'user',
        operationType: 'query',
        operationName: 'TrackByPk',
        status: 200,
        durationMs: 1.23,
        fastPath: true,
      }),
    ]);
    expect(typeof lines()[0]!.time).toBe('string');
    expect(metrics.samples).toMatchObject([{ operationType: 'query', role: 'user', status: 200 }]);
  });

  it("follows the logger's level as it changes", () => {
    const { stream, lines } = captureLog();
    const logger = createLogger('warn', stream);
    const reportRequest = createRequestReporter(logger, recorder());
    reportRequest(report);
    expect(lines()).toEqual([]);
    logger.level = 'debug';
    reportRequest({ ...report, requestId: 'r-2' });
    logger.level = 'silent';
    reportRequest({ ...report, requestId: 'r-3' });
    expect(lines().map((line) => line.requestId)).toEqual(['r-2']);
  });

  it('leaves the logger redacting its other lines', () => {
    const { stream, lines } = captureLog();
    const logger = createLogger('info', stream);
    createRequestReporter(logger, recorder())(report);
    logger.info({ password: 'hunter2', databaseUrl: 'postgres://app:hunter2@db/shop' }, 'config');
    expect(JSON.stringify(lines())).not.toContain('hunter2');
    expect(lines()[1]).toMatchObject({ password: '[Redacted]', databaseUrl: 'postgres://app:***@db/shop' });
  });
});
