import { Kind, parse, type OperationDefinitionNode } from 'graphql';

/** What a GraphQL operation's variables may be: a JSON object. */
export type Variables = Readonly<Record<string, unknown>>;

declare const dataType: unique symbol;
declare const variablesType: unique symbol;

/**
 * A GraphQL operation whose text is fixed when it is defined. `TData` and `TVariables` are
 * phantom types: they exist only for the compiler, so `client.request(op, vars)` is typed by the
 * operation without a code generator.
 */
export interface Operation<TData = unknown, TVariables extends Variables = Variables> {
  readonly kind: 'sluice-operation';
  readonly text: string;
  /** The name of the operation to run (the document's only operation unless given). */
  readonly operationName: string | undefined;
  readonly [dataType]?: TData;
  readonly [variablesType]?: TVariables;
}

/** The result type of an operation. */
export type ResultOf<TOperation> = TOperation extends Operation<infer TData, Variables> ? TData : never;
/** The variables type of an operation. */
export type VariablesOf<TOperation> = TOperation extends Operation<unknown, infer TVariables> ? TVariables : never;

/**
 * `gql` refuses every interpolation, so an operation's text is a constant of the source code.
 *
 * Why: a value pasted into GraphQL text becomes GraphQL syntax. A customer name such as
 * `x" }) { id } delete_orders(where: {}) { affected_rows } #` would turn a lookup into a
 * delete — GraphQL injection, the same bug as SQL injection. Values passed as `variables` are
 * parsed by the gateway as values of their declared type and can never change the document.
 * (Constant text also lets the gateway reuse its cached plan for every call.)
 *
 * The `never[]` rest parameter makes `${…}` a compile error; the runtime check catches plain
 * JavaScript and casts.
 */
export function gql<TData = unknown, TVariables extends Variables = Variables>(
  strings: TemplateStringsArray,
  ...values: never[]
): Operation<TData, TVariables> {
  if (values.length > 0 || strings.length !== 1) {
    throw new TypeError(
      'gql refuses interpolations: pass values as variables (`query ($id: Int!) { … }` with `client.request(op, { id })`), never inside the query text',
    );
  }
  return defineOperation<TData, TVariables>(strings[0]!);
}

/**
 * An operation from a constant string (for text read from a `.graphql` file, say). The text is
 * parsed now, so a syntax error surfaces when the function module loads, not on its first event.
 * A document with several operations needs `operationName`.
 */
export function defineOperation<TData = unknown, TVariables extends Variables = Variables>(
  text: string,
  options: { readonly operationName?: string } = {},
): Operation<TData, TVariables> {
  if (typeof text !== 'string') throw new TypeError('defineOperation expects the operation text as a string');
  const operations = parse(text).definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  let operationName = options.operationName;
  if (operationName === undefined) {
    if (operations.length !== 1) throw new TypeError(`a document with ${operations.length} operations needs an operationName`);
  } else if (!operations.some((o) => o.name?.value === operationName)) {
    throw new TypeError(`the document has no operation named ${JSON.stringify(operationName)}`);
  }
  operationName ??= operations[0]!.name?.value;
  const operation = Object.freeze({ kind: 'sluice-operation', text, operationName }) as Operation<TData, TVariables>;
  defined.add(operation);
  return operation;
}

/** Operations made here; an object literal that merely looks like one is not accepted. */
const defined = new WeakSet<object>();

/** True only for a value made by `gql` or `defineOperation` (not a string, not a look-alike). */
export function isOperation(value: unknown): value is Operation {
  return typeof value === 'object' && value !== null && defined.has(value);
}
