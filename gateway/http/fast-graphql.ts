import type { IncomingMessage, ServerResponse } from 'node:http';
import { getOperationAST, getVariableValues, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import type { Logger } from 'pino';
import { GatewayError, errorHeaders } from '../errors/index.js';
import { executeQuery, runMutation, type CompiledMutation, type PlanCache, type QueryDependencies } from '../execute/index.js';
import { nodeRequestHeaders, type Session, type SessionResolver } from '../session/index.js';
import { asGatewayError, errorsBody } from './graphql-response.js';
import { parseDocument } from './parse-document.js';
import { tooLargeBody } from './parse-graphql-body.js';
import { requestIdOf } from './request-id.js';
import type { RequestReporter } from './report-request.js';
import { withDevHint } from './with-dev-hint.js';

export interface FastGraphQLOptions {
  readonly resolveSession: SessionResolver;
  readonly schemaFor: (session: Session) => GraphQLSchema;
  /** The same validator (and cache) as the full pipeline's. */
  readonly validate: (schema: GraphQLSchema, document: DocumentNode) => readonly GatewayError[];
  /** The same plan caches and pool as the full pipeline's, so both paths share plans. */
  readonly execution: QueryDependencies & { readonly mutationCache: PlanCache<CompiledMutation> };
  readonly maxBodyBytes: number;
  /** Dev mode: a rejected write names the role and rule (see withDevHint). */
  readonly devHints: boolean;
  readonly logger: Logger;
  /** The request log line and metrics, as for every request yoga answers. */
  readonly report: RequestReporter;
}

const DATA_OPEN = Buffer.from('{"data":');
const DATA_CLOSE = Buffer.from('}');

/** Bodies up to this size are joined into one buffer; larger ones are written piece by piece. */
const JOIN_BELOW_BYTES = 64 * 1024;

/**
 * Writes a body given in pieces. A small body is joined (one copy is cheaper than a write per
 * piece); a large one — a big JSON answer — is written as its pieces, corked into one `writev`,
 * so the answer's bytes are never copied.
 */
function writePieces(res: ServerResponse, pieces: readonly Buffer[], length: number): void {
  if (length < JOIN_BELOW_BYTES) {
    res.end(Buffer.concat(pieces, length));
    return;
  }
  res.cork();
  for (const piece of pieces) res.write(piece);
  res.end();
  res.uncork();
}

/** Hands a request on to the full pipeline, with the body already read (or not yet read). */
export type Fallback = (req: IncomingMessage, res: ServerResponse, body?: Buffer) => void;

/** Documents that parsed and validated against a role schema, by query text; bounded per schema. */
class DocumentCache {
  private readonly bySchema = new WeakMap<GraphQLSchema, Map<string, DocumentNode>>();

  constructor(private readonly maxPerSchema = 1000) {}

  get(schema: GraphQLSchema, text: string): DocumentNode | undefined {
    return this.bySchema.get(schema)?.get(text);
  }

  set(schema: GraphQLSchema, text: string, document: DocumentNode): void {
    let documents = this.bySchema.get(schema);
    if (!documents) {
      documents = new Map();
      this.bySchema.set(schema, documents);
    }
    if (documents.size >= this.maxPerSchema) {
      const oldest = documents.keys().next().value;
      if (oldest !== undefined) documents.delete(oldest);
    }
    documents.set(text, document);
  }
}

interface Params {
  readonly query: string;
  readonly variables: Record<string, unknown>;
  readonly operationName: string | undefined;
}

/** The request object, when it is the plain single form the fast path takes; else undefined. */
function plainParams(body: unknown): Params | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const { query, variables, operationName, extensions } = body as Record<string, unknown>;
  if (typeof query !== 'string' || extensions !== undefined) return undefined;
  if (variables !== undefined && variables !== null && (typeof variables !== 'object' || Array.isArray(variables))) return undefined;
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') return undefined;
  return { query, variables: (variables ?? {}) as Record<string, unknown>, operationName: operationName ?? undefined };
}

function readBody(req: IncomingMessage, max: number): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) over = true;
      // Past the limit the rest is read and dropped, so the answer can still be sent on this connection.
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(over ? 'too-large' : chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * The hot path of `POST /v1/graphql`: a single request whose document this role schema has
 * already parsed and validated runs straight from the caches — session, cached document,
 * variable coercion, cached plan, one statement — and its JSON text is written to the socket,
 * without yoga's WHATWG request and response objects or its plugin chain. Anything else (a
 * batch, a new document, a document with errors, bad variables, a failed session, GET, other
 * paths) is handed to the full pipeline, which answers it and reports its errors; the answer
 * is the same either way, the fast path only skips work. Once execution has started the fast
 * path answers itself, errors included: a mutation must never run twice.
 */
export function createFastGraphQL(options: FastGraphQLOptions): (req: IncomingMessage, res: ServerResponse, fallback: Fallback) => void {
  const documents = new DocumentCache();

  const documentFor = (schema: GraphQLSchema, text: string): DocumentNode | undefined => {
    const cached = documents.get(schema, text);
    if (cached) return cached;
    let document: DocumentNode;
    try {
      document = parseDocument(text);
    } catch {
      return undefined;
    }
    if (options.validate(schema, document).length > 0) return undefined;
    documents.set(schema, text, document);
    return document;
  };

  /** `body` in pieces is written as one body, in order. */
  const respond = (req: IncomingMessage, res: ServerResponse, status: number, body: string | readonly Buffer[], extra?: Record<string, string>): string => {
    const given = req.headers['x-request-id'];
    const requestId = requestIdOf(typeof given === 'string' ? given : undefined);
    const length = typeof body === 'string' ? Buffer.byteLength(body) : body.reduce((sum, piece) => sum + piece.length, 0);
    const headers: Record<string, string | number> = {
      'content-type': 'application/json; charset=utf-8',
      'content-length': length,
      'x-request-id': requestId,
      ...extra,
    };
    // The same CORS answer yoga gives (any origin, with credentials), so browsers see no difference.
    const origin = req.headers.origin;
    if (origin !== undefined) {
      headers['access-control-allow-origin'] = origin;
      headers['access-control-allow-credentials'] = 'true';
      headers.vary = 'Origin';
    }
    res.writeHead(status, headers);
    if (typeof body === 'string') res.end(body);
    else writePieces(res, body, length);
    return requestId;
  };

  const run = async (req: IncomingMessage, res: ServerResponse, fallback: Fallback, started: number): Promise<void> => {
    const declared = Number(req.headers['content-length'] ?? '0');
    if (declared > options.maxBodyBytes) return fallback(req, res);
    const raw = await readBody(req, options.maxBodyBytes);
    if (raw === 'too-large') {
      respond(req, res, 413, tooLargeBody(options.maxBodyBytes));
      return;
    }
    let params: Params | undefined;
    let session: Session;
    let schema: GraphQLSchema;
    let document: DocumentNode | undefined;
    let operation: OperationDefinitionNode | null | undefined;
    let variables: Record<string, unknown> | undefined;
    try {
      params = plainParams(JSON.parse(raw.toString('utf8')));
      if (!params) return fallback(req, res, raw);
      session = await options.resolveSession(nodeRequestHeaders(req.headers));
      schema = options.schemaFor(session);
      document = documentFor(schema, params.query);
      operation = document && getOperationAST(document, params.operationName);
      if (!document || !operation || operation.operation === 'subscription') return fallback(req, res, raw);
      if (operation.operation === 'mutation' && !schema.getMutationType()) return fallback(req, res, raw);
      const definitions = operation.variableDefinitions ?? [];
      if (definitions.length === 0) {
        // Nothing to coerce: graphql-js ignores variables an operation does not declare.
        variables = {};
      } else {
        const coerced = getVariableValues(schema, definitions, params.variables, { maxErrors: 1 });
        if (coerced.errors) return fallback(req, res, raw);
        variables = coerced.coerced;
      }
    } catch {
      // Bad JSON, a refused session, anything unexpected: the full pipeline answers it properly.
      return fallback(req, res, raw);
    }
    const operationType = operation.operation;
    let status = 200;
    let failed = false;
    let body: string | readonly Buffer[];
    let extra: Record<string, string> | undefined;
    try {
      const request = { schema, document, operation, variables, session: session.variables, role: session.role };
      const data = operationType === 'mutation' ? await runMutation(request, options.execution) : await executeQuery(request, options.execution);
      body = [DATA_OPEN, ...data, DATA_CLOSE];
    } catch (error) {
      failed = true;
      const gatewayError = asGatewayError(error);
      if (gatewayError.code === 'unexpected') options.logger.error({ err: error }, 'unexpected error while executing a query');
      const shown = options.devHints ? withDevHint(gatewayError, session) : gatewayError;
      // `/v1/graphql` answers 200 for client errors; 503 stays, it tells the caller to back off.
      status = shown.status === 503 ? 503 : 200;
      extra = errorHeaders(shown);
      body = errorsBody([shown], session.isAdmin);
    }
    const requestId = respond(req, res, status, body, extra);
    options.report({
      requestId,
      method: 'POST',
      path: '/v1/graphql',
      role: session.role,
      operationType,
      operationName: params.operationName,
      status,
      failed,
      fastPath: true,
      durationMs: performance.now() - started,
    });
  };

  return (req, res, fallback) => {
    const started = performance.now();
    run(req, res, fallback, started).catch((error: unknown) => {
      options.logger.error({ err: error }, 'unexpected error on the fast path');
      if (!res.headersSent) respond(req, res, 500, errorsBody([asGatewayError(error)], false));
      else res.destroy();
    });
  };
}
