import {
  GraphQLEnumType,
  GraphQLInputObjectType,
  GraphQLList,
  GraphQLNonNull,
  GraphQLScalarType,
  Kind,
  valueFromASTUntyped,
  type GraphQLInputType,
  type ValueNode,
} from 'graphql';
import type { ParamSource } from './ir.js';
import { GatewayError } from '../errors/index.js';
import type { InputTree } from './input-tree.js';
import { describeValueKind, validationError } from './validation-error.js';

export type Variables = Readonly<Record<string, unknown>>;

function astKind(node: ValueNode): string {
  switch (node.kind) {
    case Kind.INT:
      return 'an integer';
    case Kind.FLOAT:
      return 'a float';
    case Kind.STRING:
      return 'a string';
    case Kind.BOOLEAN:
      return 'a boolean';
    case Kind.NULL:
      return 'null';
    case Kind.ENUM:
      return 'an enum value';
    case Kind.LIST:
      return 'a list';
    case Kind.OBJECT:
      return 'an object';
    default:
      return 'a variable';
  }
}

const int32 = (n: number) => Number.isInteger(n) && n >= -2147483648 && n <= 2147483647;

/**
 * Validates a literal (or variable) argument against its input type and turns it into an
 * `InputTree`, with Hasura's messages and request paths. graphql-js' own literal check
 * (`ValuesOfCorrectTypeRule`) is not used because Hasura's messages and leniencies differ (it
 * accepts `offset: "1"`, for one).
 */
export function coerceInput(
  node: ValueNode,
  type: GraphQLInputType,
  variables: Variables,
  path: string,
  inlined?: Set<string>,
): InputTree {
  if (node.kind === Kind.VARIABLE) {
    const name = node.name.value;
    return coerceVariable(variables[name], type, { kind: 'variable', name, path: [] }, path);
  }
  if (type instanceof GraphQLNonNull) {
    if (node.kind === Kind.NULL) throw validationError(path, `null value found for non-nullable type: "${type.toString()}"`);
    return coerceInput(node, type.ofType, variables, path, inlined);
  }
  if (node.kind === Kind.NULL) return { kind: 'null' };
  if (type instanceof GraphQLList) {
    if (node.kind !== Kind.LIST) return { kind: 'list', items: [coerceInput(node, type.ofType, variables, path, inlined)], source: null, single: true };
    return { kind: 'list', items: node.values.map((item, i) => coerceInput(item, type.ofType, variables, `${path}[${i}]`, inlined)), source: null };
  }
  if (type instanceof GraphQLInputObjectType) {
    if (node.kind !== Kind.OBJECT) throw validationError(path, `expected an object for type '${type.name}', but found ${astKind(node)}`);
    const defined = type.getFields();
    const fields: [string, InputTree][] = [];
    for (const field of node.fields) {
      const name = field.name.value;
      const fieldPath = `${path}.${name}`;
      const definition = defined[name];
      if (!definition) throw validationError(fieldPath, `field '${name}' not found in type: '${type.name}'`);
      // A variable that was not provided leaves the field out, as GraphQL input coercion says.
      if (field.value.kind === Kind.VARIABLE && !(field.value.name.value in variables)) continue;
      fields.push([name, coerceInput(field.value, definition.type, variables, fieldPath, inlined)]);
    }
    for (const definition of Object.values(defined)) {
      if (fields.some(([name]) => name === definition.name)) continue;
      if (definition.defaultValue !== undefined) {
        fields.push([definition.name, coerceVariable(definition.defaultValue, definition.type, { kind: 'constant', value: definition.defaultValue }, `${path}.${definition.name}`)]);
      } else if (definition.type instanceof GraphQLNonNull) {
        throw validationError(path, `missing required field '${definition.name}'`);
      }
    }
    return { kind: 'object', typeName: type.name, fields };
  }
  if (type instanceof GraphQLEnumType) {
    if (node.kind !== Kind.ENUM) throw validationError(path, `expected an enum value for type '${type.name}', but found ${astKind(node)}`);
    const value = type.getValue(node.value);
    if (!value) throw validationError(path, `expected one of the values [${type.getValues().map((v) => `'${v.name}'`).join(', ')}] for type '${type.name}', but found '${node.value}'`);
    return { kind: 'enum', value: value.value, name: value.name };
  }
  if (inlined) collectVariables(node, inlined);
  const value = coerceScalarLiteral(node, type, variables, path);
  return { kind: 'scalar', type, value, source: { kind: 'constant', value } };
}

function coerceScalarLiteral(node: ValueNode, type: GraphQLScalarType, variables: Variables, path: string): unknown {
  // Like Hasura's column parsers, a string is accepted for any scalar: Postgres reads it with
  // the column type's input function ("2147483647" for an Int, "true" for a Boolean).
  if (node.kind === Kind.STRING) return node.value;
  switch (type.name) {
    case 'Int':
      if (node.kind === Kind.INT) {
        const n = Number(node.value);
        if (!int32(n)) {
          throw new GatewayError('parse-failed', `The value ${n} lies outside the bounds or is not an integer. Maybe it is a float, or is there integer overflow?`, { path, status: 400 });
        }
        return n;
      }
      throw validationError(path, `expected a 32-bit integer for type 'Int', but found ${astKind(node)}`);
    case 'Float':
      if (node.kind === Kind.INT || node.kind === Kind.FLOAT) return Number(node.value);
      throw validationError(path, `expected a float for type 'Float', but found ${astKind(node)}`);
    case 'String':
      throw validationError(path, `expected a string for type 'String', but found ${astKind(node)}`);
    case 'Boolean':
      if (node.kind === Kind.BOOLEAN) return node.value;
      throw validationError(path, `expected a boolean for type 'Boolean', but found ${astKind(node)}`);
    default:
      // A number that JavaScript cannot hold exactly (a bigint or numeric literal) stays text;
      // Postgres parses it with the column type's own input function.
      if ((node.kind === Kind.INT || node.kind === Kind.FLOAT) && String(Number(node.value)) !== node.value) return node.value;
      return valueFromASTUntyped(node, variables);
  }
}

/** A variable's value (already checked by graphql-js against its declared type) as a tree. */
export function coerceVariable(value: unknown, type: GraphQLInputType, source: ParamSource, path: string): InputTree {
  if (type instanceof GraphQLNonNull) return coerceVariable(value, type.ofType, source, path);
  if (value === null || value === undefined) return { kind: 'null' };
  const at = (key: string | number): ParamSource =>
    source.kind === 'variable'
      ? { ...source, path: [...source.path, key] }
      : { kind: 'constant', value: (value as Record<string | number, unknown>)[key] };
  if (type instanceof GraphQLList) {
    const items = Array.isArray(value) ? value : [value];
    return {
      kind: 'list',
      items: items.map((item, i) => coerceVariable(item, type.ofType, Array.isArray(value) ? at(i) : source, `${path}[${i}]`)),
      source: Array.isArray(value) ? source : null,
    };
  }
  if (type instanceof GraphQLInputObjectType) {
    if (typeof value !== 'object') throw validationError(path, `expected an object for type '${type.name}', but found ${describeValueKind(value)}`);
    const defined = type.getFields();
    const fields: [string, InputTree][] = [];
    for (const [key, fieldValue] of Object.entries(value as Record<string, unknown>)) {
      const definition = defined[key];
      if (!definition) throw validationError(`${path}.${key}`, `field '${key}' not found in type: '${type.name}'`);
      fields.push([key, coerceVariable(fieldValue, definition.type, at(key), `${path}.${key}`)]);
    }
    return { kind: 'object', typeName: type.name, fields };
  }
  if (type instanceof GraphQLEnumType) {
    const name = String(value);
    const enumValue = type.getValues().find((v) => v.value === value || v.name === name);
    if (!enumValue) throw validationError(path, `expected one of the values [${type.getValues().map((v) => `'${v.name}'`).join(', ')}] for type '${type.name}', but found '${name}'`);
    return { kind: 'enum', value: enumValue.value, name: enumValue.name };
  }
  return { kind: 'scalar', type, value, source };
}

/**
 * Variables written inside a custom-scalar literal (`_contains: {a: $x}`) become part of a
 * constant value, so the plan depends on their values: the caller keys its cache on them.
 */
function collectVariables(node: ValueNode, into: Set<string>): void {
  if (node.kind === Kind.VARIABLE) into.add(node.name.value);
  else if (node.kind === Kind.LIST) node.values.forEach((v) => collectVariables(v, into));
  else if (node.kind === Kind.OBJECT) node.fields.forEach((f) => collectVariables(f.value, into));
}
