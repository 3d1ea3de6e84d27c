import { GraphQLBoolean, GraphQLFloat, GraphQLInt, GraphQLScalarType, GraphQLString, valueFromASTUntyped } from 'graphql';

const builtins = new Map<string, GraphQLScalarType>([
  ['Int', GraphQLInt],
  ['Float', GraphQLFloat],
  ['String', GraphQLString],
  ['Boolean', GraphQLBoolean],
]);

/**
 * The scalars of one schema build. Custom scalars (`bigint`, `jsonb`, `timestamptz`, …) accept
 * any JSON input: the value is sent to Postgres as a typed parameter and Postgres is the one that
 * parses it (and rejects it with a `data-exception`), exactly as Hasura does.
 */
export class ScalarTypes {
  private readonly custom = new Map<string, GraphQLScalarType>();

  get(name: string): GraphQLScalarType {
    const builtin = builtins.get(name);
    if (builtin) return builtin;
    let scalar = this.custom.get(name);
    if (!scalar) {
      scalar = new GraphQLScalarType({
        name,
        serialize: (value) => value,
        parseValue: (value) => value,
        parseLiteral: (node, variables) => valueFromASTUntyped(node, variables),
      });
      this.custom.set(name, scalar);
    }
    return scalar;
  }
}

/** Postgres numeric types: sum/avg/stddev/variance apply to them. */
export function isNumericScalar(category: string, typname: string): boolean {
  return category === 'N' && typname !== 'oid' && typname !== 'regclass';
}

/** Types with max/min in Postgres: numbers, strings, dates and times. */
export function isComparableScalar(category: string, typname: string): boolean {
  return isNumericScalar(category, typname) || category === 'S' || category === 'D' || category === 'T' || typname === 'money';
}

/** String-like types get the pattern operators (`_like`, `_regex`, …). */
export function isStringScalar(typname: string): boolean {
  return typname === 'text' || typname === 'varchar' || typname === 'bpchar' || typname === 'citext' || typname === 'name';
}
