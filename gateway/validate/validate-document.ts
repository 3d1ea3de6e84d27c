import {
  Kind,
  NoUnusedVariablesRule,
  specifiedRules,
  validate,
  ValuesOfCorrectTypeRule,
  type DocumentNode,
  type GraphQLError,
  type GraphQLSchema,
} from 'graphql';
import { GatewayError } from '../errors/index.js';
import { indexRequestPaths } from './request-paths.js';

/**
 * Literal values are checked by the planner instead, with Hasura's messages and leniencies;
 * Hasura accepts declared-but-unused variables; every other rule of the GraphQL spec applies.
 */
const rules = specifiedRules.filter((rule) => rule !== ValuesOfCorrectTypeRule && rule !== NoUnusedVariablesRule);

const unknownArgument = /^Unknown argument "(.+?)" on field "(?:.+?)\.(.+?)"\./;

/** graphql-js messages rewritten into Hasura's words; anything unknown keeps its own. */
const rewrites: readonly [RegExp, (m: RegExpExecArray) => string][] = [
  [/^Cannot query field "(.+?)" on type "(.+?)"\./, (m) => `field '${m[1]}' not found in type: '${m[2]}'`],
  [unknownArgument, (m) => `'${m[2]}' has no argument named '${m[1]}'`],
  [/^Variable "\$(.+?)" of type "(.+?)" used in position expecting type "(.+?)"\./, (m) => `variable '${m[1]}' is declared as '${m[2]}', but used where '${m[3]}' is expected`],
  [/^Unknown directive "@(.+?)"\./, (m) => `directive "${m[1]}" is not defined in the schema`],
  [/^Directive "@(.+?)" may not be used on (\w+)\./, (m) => `directive "${m[1]}" is not allowed on a ${m[2]!.toLowerCase().replace(/_/g, ' ')}`],
  [/^The directive "@(.+?)" can only be used once at this location\./, (m) => `the following directives are used more than once: ${m[1]}`],
  [/^Cannot spread fragment "(.+?)" within itself(?: via "(.+?)")?\./, (m) => `the fragment definition(s) ${[m[1], ...(m[2] ? m[2].split('", "') : [])].join(' and ')} form a cycle`],
  [/^Field "(.+?)" argument "(.+?)" of type "(.+?)" is required, but it was not provided\./, (m) => `missing required field '${m[2]}'`],
  [/^Unknown type "(.+?)"\./, (m) => `type '${m[1]}' is not defined`],
];

function rewrite(message: string): string {
  for (const [pattern, replace] of rewrites) {
    const match = pattern.exec(message);
    if (match) return replace(match);
  }
  return message;
}

function toGatewayError(error: GraphQLError, paths: Map<unknown, string>): GatewayError {
  const node = error.nodes?.[error.nodes.length - 1];
  const first = error.nodes?.[0];
  // The last node is the most specific one (the spread that closes a fragment cycle, the variable use).
  let path = (node && paths.get(node)) ?? (first && paths.get(first)) ?? '$';
  // Hasura reports an unknown argument at its field (its agg_perm test), not at the argument.
  if (node?.kind === Kind.ARGUMENT && unknownArgument.test(error.message)) path = path.replace(/\.args\.[^.]+$/, '');
  return new GatewayError('validation-failed', rewrite(error.message), { path, status: 200 });
}

/**
 * Validates a document against a role's schema. Results are cached per (schema, document):
 * both are immutable, and the parser cache in front hands back the same document object for
 * the same text.
 */
export function createDocumentValidator(): (schema: GraphQLSchema, document: DocumentNode) => readonly GatewayError[] {
  const cache = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, readonly GatewayError[]>>();
  return (schema, document) => {
    let bySchema = cache.get(schema);
    if (!bySchema) {
      bySchema = new WeakMap();
      cache.set(schema, bySchema);
    }
    const known = bySchema.get(document);
    if (known) return known;
    const errors = validate(schema, document, rules, { maxErrors: 20 });
    const result = errors.length === 0 ? [] : errors.slice(0, 1).map((e) => toGatewayError(e, indexRequestPaths(document)));
    bySchema.set(document, result);
    return result;
  };
}
