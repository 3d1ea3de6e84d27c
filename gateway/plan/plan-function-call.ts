import type { ResolvedComputedField } from '../../schema/resolve/index.js';
import type { FunctionCall } from './ir.js';
import { fieldOf, type InputTree } from './input-tree.js';
import { typedParam } from './make-param.js';

const json = { schema: 'pg_catalog', name: 'json' };

/** A computed field's function call: the row, the session as json, and the `args` inputs. */
export function planFunctionCall(field: Pick<ResolvedComputedField, 'function' | 'arguments'>, args: InputTree | undefined, path: string): FunctionCall {
  return {
    function: field.function,
    arguments: field.arguments.map((argument) => {
      if (argument.kind === 'row') return { kind: 'row' as const };
      if (argument.kind === 'session') {
        return { kind: 'value' as const, value: { kind: 'param' as const, source: { kind: 'session_all' as const }, pgType: json, array: false, encoding: 'plain' as const, path: '$' } };
      }
      const tree = args ? fieldOf(args, argument.name) : undefined;
      return { kind: 'value' as const, value: typedParam(tree ?? { kind: 'null' }, argument.pgType, false, `${path}.args.${argument.name}`) };
    }),
  };
}
