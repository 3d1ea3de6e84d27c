import { Kind, type FieldNode, type GraphQLField } from 'graphql';
import { coerceInput } from './coerce-input.js';
import type { InputTree } from './input-tree.js';
import type { PlanContext } from './plan-context.js';
import { validationError } from './validation-error.js';

/** The raw nodes and the coerced values of a field's arguments, by name. */
export interface Arguments {
  readonly nodes: ReadonlyMap<string, FieldNode['arguments'] extends readonly (infer A)[] | undefined ? A : never>;
  get(name: string): InputTree | undefined;
}

/**
 * Coerces the arguments of a field lazily (limit and offset are read from their nodes by their
 * own rules). Unknown arguments are Hasura's `'<field>' has no argument named '<arg>'`.
 */
export function planArguments(node: FieldNode, field: GraphQLField<unknown, unknown>, path: string, context: PlanContext): Arguments {
  const nodes = new Map((node.arguments ?? []).map((arg) => [arg.name.value, arg]));
  for (const name of nodes.keys()) {
    if (!field.args.some((arg) => arg.name === name)) {
      // At the field, not the argument, as Hasura reports it.
      throw validationError(path, `'${field.name}' has no argument named '${name}'`);
    }
  }
  for (const arg of field.args) {
    if (arg.type.toString().endsWith('!') && !nodes.has(arg.name)) {
      throw validationError(`${path}.args`, `missing required field '${arg.name}'`);
    }
  }
  const cache = new Map<string, InputTree>();
  return {
    nodes,
    get(name) {
      const argNode = nodes.get(name);
      if (!argNode) return undefined;
      if (argNode.value.kind === Kind.VARIABLE && !(argNode.value.name.value in context.variables)) return undefined;
      let tree = cache.get(name);
      if (!tree) {
        const definition = field.args.find((arg) => arg.name === name)!;
        tree = coerceInput(argNode.value, definition.type, context.variables, `${path}.args.${name}`, context.inlinedVariables);
        cache.set(name, tree);
      }
      return tree;
    },
  };
}
