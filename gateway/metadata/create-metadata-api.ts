/**
 * The admin endpoints `/v1/metadata`, `/v1/query` and `/v2/query`. The HTTP layer has already
 * checked that the caller is admin and parsed the JSON body; this answers with a status and a
 * body in Hasura's shapes. Requests of one gateway run one at a time, so two admin calls never
 * race on the same resource version.
 */
import { errorHeaders, isGatewayError, toRestErrorBody } from '../errors/index.js';
import type { ApiResponse, MetadataApiOptions } from './metadata-api-options.js';
import { metadataRegistry, queryV1Registry, queryV2Registry, type OperationRegistry } from './operation-registries.js';
import { runRequest } from './run-request.js';

export interface MetadataApi {
  handleMetadata(body: unknown): Promise<ApiResponse>;
  handleQueryV1(body: unknown): Promise<ApiResponse>;
  handleQueryV2(body: unknown): Promise<ApiResponse>;
}

export function createMetadataApi(options: MetadataApiOptions): MetadataApi {
  let queue: Promise<unknown> = Promise.resolve();

  function serialized<T>(task: () => Promise<T>): Promise<T> {
    const run = queue.then(task, task);
    queue = run.catch(() => undefined);
    return run;
  }

  const admission = options.admission;
  const runAdmitted = admission
    ? (body: unknown, registry: OperationRegistry) => admission.admit('admin', () => runRequest(body, registry, options))
    : (body: unknown, registry: OperationRegistry) => runRequest(body, registry, options);

  async function handle(body: unknown, registry: OperationRegistry): Promise<ApiResponse> {
    try {
      return { status: 200, body: await serialized(() => runAdmitted(body, registry)) };
    } catch (error) {
      if (isGatewayError(error)) {
        // A saturated pool is load, not a fault of the request or the gateway: no error line each time.
        if (error.status >= 500 && error.status !== 503) options.logger.error({ err: error }, 'admin request failed');
        return { status: error.status, body: toRestErrorBody(error, true), headers: errorHeaders(error) };
      }
      // Anything we did not raise on purpose is a bug: log it, show nothing of it.
      options.logger.error({ err: error }, 'unexpected error in admin request');
      return { status: 500, body: { path: '$', error: 'unexpected error', code: 'unexpected' } };
    }
  }

  return {
    handleMetadata: (body) => handle(body, metadataRegistry),
    handleQueryV1: (body) => handle(body, queryV1Registry),
    handleQueryV2: (body) => handle(body, queryV2Registry),
  };
}
