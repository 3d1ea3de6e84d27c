import {
  GraphQLError,
  Kind,
  getOperationAST,
  getVariableValues,
  type DocumentNode,
  type ExecutionArgs,
  type GraphQLSchema,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Logger } from 'pino';
import { GatewayError, errorHeaders } from '../errors/index.js';
import { executeQuery, runMutation, type CompiledMutation, type PlanCache, type QueryDependencies } from '../execute/index.js';
import { createDocumentValidator, explainDenial, variableValuesError } from '../validate/index.js';
import type { Session } from '../session/index.js';
import { asGatewayError, errorsBody } from './graphql-response.js';
import { parseDocument } from './parse-document.js';
import { parseGraphQLBody } from './parse-graphql-body.js';
import { withDevHint } from './with-dev-hint.js';

export interface SluiceGraphQLOptions {
  /** Dev mode: "not found" errors of a role name the missing permission (compared to admin). */
  readonly explain?: ((schema: GraphQLSchema) => { role: string; admin: GraphQLSchema } | undefined) | undefined;
  readonly sessionOf: (request: Request) => Session;
  /** The document validator (cached per role schema), shared with the fast path. */
  readonly validateDocument: ReturnType<typeof createDocumentValidator>;
  readonly execution: QueryDependencies & { readonly mutationCache: PlanCache<CompiledMutation> };
  readonly maxBodyBytes: number;
  readonly logger: Logger;
}

/**
 * A GatewayError as the GraphQLError yoga expects, keeping Hasura's code and path. `/v1/graphql`
 * answers 200 for every client error (503 stays: it tells a caller to back off); the legacy
 * `/v1alpha1/graphql` keeps each error's own status.
 */
function toGraphQLError(error: GatewayError, legacy = false): GraphQLError {
  const status = legacy || error.status === 503 ? error.status : 200;
  const headers = errorHeaders(error);
  return new GraphQLError(error.message, {
    extensions: { path: error.path, code: error.code, ...(error.hint ? { hint: error.hint } : {}), http: headers ? { status, headers } : { status } },
  });
}

/** The result of an operation, written as Hasura does; `stringify` is what yoga sends. */
function errorResult(errors: readonly GatewayError[], session: Session, legacy = false) {
  return {
    errors: errors.map((e) => toGraphQLError(e, legacy)),
    stringify: () => errorsBody(errors, session.isAdmin),
  };
}

/**
 * The GraphQL pipeline on yoga: Hasura-style body parsing, parsing with a token limit,
 * validation against the role's schema (cached), then plan → compile → execute on the pool
 * instead of graphql-js resolvers. The data is JSON text from Postgres, spliced into the body.
 */
export function useSluiceGraphQL(options: SluiceGraphQLOptions): Plugin {
  const validateDocument = options.validateDocument;
  // Members of a batch run one after another, as in Hasura: a query after a mutation sees it.
  const batchTail = new WeakMap<Request, Promise<unknown>>();
  return {
    onRequestParse({ request, setRequestParser }) {
      if (request.method === 'POST') setRequestParser((req) => parseGraphQLBody(req, options.maxBodyBytes));
    },
    onParse({ setParseFn }) {
      setParseFn((source) => {
        try {
          return parseDocument(source);
        } catch (error) {
          const message = error instanceof GraphQLError ? error.message : 'not a valid graphql query';
          throw toGraphQLError(new GatewayError('validation-failed', message, { path: '$.query', status: 200 }));
        }
      });
    },
    onValidate({ setValidationFn }) {
      setValidationFn((schema: GraphQLSchema, document: DocumentNode) =>
        validateDocument(schema, document).map((error) => {
          const explained = options.explain?.(schema);
          const hint = explained ? explainDenial(error, explained.role, explained.admin) : undefined;
          return toGraphQLError(hint ? new GatewayError(error.code, error.message, { path: error.path, status: error.status, hint }) : error);
        }),
      );
    },
    onSubscribe({ setSubscribeFn }) {
      // Subscriptions run over websocket (a later issue); over HTTP they get a clear error.
      setSubscribeFn(async (args: ExecutionArgs) => {
        const session = options.sessionOf((args.contextValue as { request: Request }).request);
        return errorResult([new GatewayError('validation-failed', 'subscriptions are only available over websocket', { status: 200 })], session);
      });
    },
    onExecute({ setExecuteFn }) {
      setExecuteFn((args: ExecutionArgs) => {
        const httpRequest = (args.contextValue as { request: Request }).request;
        const previous = batchTail.get(httpRequest) ?? Promise.resolve();
        const result = previous.then(() => execute(args));
        batchTail.set(httpRequest, result.catch(() => undefined));
        return result;
      });
      const execute = async (args: ExecutionArgs) => {
        const httpRequest = (args.contextValue as { request: Request }).request;
        const session = options.sessionOf(httpRequest);
        const legacy = new URL(httpRequest.url).pathname.startsWith('/v1alpha1/');
        try {
          const operation = getOperationAST(args.document, args.operationName ?? undefined);
          if (!operation) {
            const named = args.document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION).length > 1;
            throw new GatewayError('validation-failed', named ? 'operationName is required if a query contains multiple operations' : 'no operation found', { status: 200 });
          }
          if (operation.operation === 'mutation' && !args.schema.getMutationType()) {
            throw new GatewayError('validation-failed', 'no mutations exist', { status: 200 });
          }
          if (operation.operation === 'subscription') {
            throw new GatewayError('validation-failed', 'subscriptions are only available over websocket', { status: 200 });
          }
          const coerced = getVariableValues(args.schema, operation.variableDefinitions ?? [], (args.variableValues ?? {}) as Record<string, unknown>, { maxErrors: 1 });
          if (coerced.errors) throw variableValuesError(coerced.errors[0]!, 200);
          const request = { schema: args.schema, document: args.document, operation, variables: coerced.coerced, session: session.variables, role: session.role };
          const data = operation.operation === 'mutation' ? await runMutation(request, options.execution) : await executeQuery(request, options.execution);
          return { data: {}, stringify: () => `{"data":${Buffer.concat(data).toString('utf8')}}` };
        } catch (error) {
          const gatewayError = asGatewayError(error);
          if (gatewayError.code === 'unexpected') options.logger.error({ err: error }, 'unexpected error while executing a query');
          // Dev mode: a rejected write names the role and the rule that rejected it.
          const hinted = options.explain ? withDevHint(gatewayError, session) : gatewayError;
          return errorResult([hinted], session, legacy);
        }
      };
    },
  };
}
