import { createHash } from 'node:crypto';
import {
  Kind,
  execute,
  type DocumentNode,
  type FieldNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import type { Logger } from 'pino';
import type { Admission } from '../admission/index.js';
import { planQuery, type PlanContext, type QueryPlan, type Variables } from '../plan/index.js';
import { compileQuery, type CompiledQuery } from '../compile/index.js';
import { bindParams, type SessionVariables } from './bind-params.js';
import { variableShape } from './variable-shape.js';
import type { PlanCache } from './plan-cache.js';
import { runStatement, StatementTiming, type ReadStatement } from './run-statement.js';
import { typeFromAST, type GraphQLInputType } from 'graphql';

export interface CachedQuery {
  readonly plan: QueryPlan;
  readonly compiled: CompiledQuery | null;
  /** The compiled statement as it runs: its prepared-statement name and its timing. */
  readonly statement: ReadStatement | undefined;
  /** The answer's text around its SQL values, built once; absent when introspection fills it per request. */
  readonly frame: AnswerFrame | undefined;
}

/**
 * The JSON of a `data` object with gaps for the SQL root fields' values: `texts` has one more
 * entry than `gaps`, and the answer is texts[0], the statement's column gaps[0], texts[1], …
 * texts[n].
 */
interface AnswerFrame {
  readonly texts: readonly Buffer[];
  readonly gaps: readonly number[];
}

const NULL_JSON = Buffer.from('null');

function frameOf(plan: QueryPlan, sqlFields: readonly string[], introspection: Record<string, unknown>): AnswerFrame {
  const texts: Buffer[] = [];
  const gaps: number[] = [];
  let text = '{';
  plan.rootFields.forEach((field, i) => {
    if (i > 0) text += ',';
    text += JSON.stringify(field.alias) + ':';
    if (field.kind === 'typename') text += JSON.stringify(field.typename);
    else if (field.kind === 'introspection') text += JSON.stringify(introspection[field.alias] ?? null);
    else {
      texts.push(Buffer.from(text));
      gaps.push(sqlFields.indexOf(field.alias));
      text = '';
    }
  });
  texts.push(Buffer.from(text + '}'));
  return { texts, gaps };
}

export interface QueryDependencies {
  /** The way to the pool: every connection a request uses passes through it. */
  readonly admission: Admission;
  readonly planCache: PlanCache<CachedQuery>;
  readonly stringifyNumeric: boolean;
  readonly logger: Logger;
}

export interface QueryRequest {
  readonly schema: GraphQLSchema;
  readonly document: DocumentNode;
  readonly operation: OperationDefinitionNode;
  readonly variables: Variables;
  readonly session: SessionVariables;
  /** The session's role: admission counts connections per role. */
  readonly role: string;
}

/** Operation name, the shape of every variable, and the values of variables folded into constants. */
export function cacheKey(request: QueryRequest, inlined: readonly string[]): string {
  const parts = [request.operation.name?.value ?? ''];
  for (const definition of request.operation.variableDefinitions ?? []) {
    const name = definition.variable.name.value;
    const type = typeFromAST(request.schema, definition.type as never) as GraphQLInputType | undefined;
    parts.push(type ? variableShape(request.variables[name], type) : 'x');
  }
  for (const name of inlined) parts.push(JSON.stringify(request.variables[name] ?? null));
  return parts.join('\u0000');
}

/** The planning context of a request; `inlinedVariables` fills while planning. */
export function planContextOf(request: QueryRequest, stringifyNumeric: boolean): PlanContext {
  const fragments = new Map(
    request.document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])),
  );
  return { schema: request.schema, fragments, variables: request.variables, stringifyNumeric, inlinedVariables: new Set<string>() };
}

function planAndCompile(request: QueryRequest, stringifyNumeric: boolean): { cached: CachedQuery; inlined: string[] } {
  const context = planContextOf(request, stringifyNumeric);
  const inlinedVariables = context.inlinedVariables;
  const plan = planQuery(request.operation, context);
  const compiled = compileQuery(plan);
  const statement: ReadStatement | undefined = compiled
    ? {
        name: `sluice_${createHash('sha1').update(compiled.text).digest('hex').slice(0, 24)}`,
        text: compiled.text,
        timingColumn: compiled.timingColumn,
        timing: new StatementTiming(),
      }
    : undefined;
  const frame = plan.rootFields.some((f) => f.kind === 'introspection') ? undefined : frameOf(plan, compiled?.sqlFields ?? [], {});
  return { cached: { plan, compiled, statement, frame }, inlined: [...inlinedVariables].sort() };
}

/**
 * A query operation → the JSON text of its `data` object, as bytes in pieces to be written one
 * after another. Plans come from the cache when the (schema, document, operation, variable
 * shape) was seen before: then only parameters are bound. SQL root fields come back as JSON
 * bytes and are placed between the plan's constant pieces undecoded and uncopied.
 */
export async function executeQuery(request: QueryRequest, deps: QueryDependencies): Promise<Buffer[]> {
  const entry = deps.planCache.entry(request.schema, request.document);
  let key = entry.inlinedVariables ? cacheKey(request, entry.inlinedVariables) : null;
  let cached = key === null ? undefined : entry.get(key);
  if (!cached) {
    const result = planAndCompile(request, deps.stringifyNumeric);
    cached = result.cached;
    entry.inlinedVariables = result.inlined;
    key = cacheKey(request, result.inlined);
    entry.set(key, cached);
  }
  let row: (Buffer | null)[] = [];
  const { compiled, statement } = cached;
  if (compiled && statement) {
    const params = bindParams(compiled.params, request.variables, request.session);
    // SQL and parameters only at debug level: parameters are user data.
    if (deps.logger.isLevelEnabled('debug')) deps.logger.debug({ sql: compiled.text, params }, 'statement');
    row = await runStatement(deps.admission, request.role, statement, params, '$');
  }
  const frame = cached.frame ?? frameOf(cached.plan, compiled?.sqlFields ?? [], await executeIntrospection(request));
  const pieces: Buffer[] = [frame.texts[0]!];
  frame.gaps.forEach((column, i) => pieces.push(row[column] ?? NULL_JSON, frame.texts[i + 1]!));
  return pieces;
}

/** `__schema` and `__type` root fields, answered by graphql-js from the role's schema. */
async function executeIntrospection(request: QueryRequest): Promise<Record<string, unknown>> {
  const selections = request.operation.selectionSet.selections.filter(
    (s) => s.kind !== Kind.FIELD || (s as FieldNode).name.value === '__schema' || (s as FieldNode).name.value === '__type',
  );
  const operation: OperationDefinitionNode = { ...request.operation, selectionSet: { ...request.operation.selectionSet, selections } };
  const document: DocumentNode = {
    ...request.document,
    definitions: request.document.definitions.map((d) => (d === request.operation ? operation : d)),
  };
  const result = await execute({
    schema: request.schema,
    document,
    variableValues: request.variables,
    ...(request.operation.name ? { operationName: request.operation.name.value } : {}),
  });
  return (result.data ?? {}) as Record<string, unknown>;
}
