import { GraphQLInputObjectType, getNamedType, type GraphQLField } from 'graphql';
import { inputSpec, type MutationTarget } from '../../schema/build/index.js';
import type { BoolExp, UpdateOperation, UpdateStep } from './ir.js';
import type { InputTree } from './input-tree.js';
import { columnArrayParam, columnParam, typedParam } from './make-param.js';
import { validationError } from './validation-error.js';
import { and } from './plan-bool-exp.js';
import { compileRule } from './plan-hop.js';
import { presetParam } from './preset-param.js';

const operators = ['_set', '_inc', '_append', '_prepend', '_delete_key', '_delete_elem', '_delete_at_path'] as const;
type Operator = (typeof operators)[number];

/**
 * The update operators of one update (`_set`, `_inc`, jsonb operators) → SET items. A column
 * may appear under one operator only (Hasura: `Column found in multiple operators`).
 */
export function planUpdate(
  get: (name: string) => InputTree | undefined,
  argType: (name: string) => GraphQLInputObjectType | undefined,
  where: BoolExp,
  target: MutationTarget,
  path: string,
): UpdateStep {
  const operations: UpdateOperation[] = [];
  const seen = new Map<string, string>();
  const repeated: string[] = [];
  for (const op of operators) {
    const tree = get(op);
    if (!tree || tree.kind !== 'object') continue;
    const type = argType(op)!;
    for (const [name, value] of tree.fields) {
      const spec = inputSpec(type.getFields()[name]!);
      if (spec?.kind !== 'update_column') continue;
      const column = spec.column;
      if (seen.has(column.name)) repeated.push(column.name);
      seen.set(column.name, op);
      const valuePath = `${path}.${op}.${name}`;
      operations.push({ kind: op, column: column.name, value: operatorParam(op, value, column, valuePath) } as UpdateOperation);
    }
  }
  if (repeated.length > 0) {
    const names = [...new Set(repeated)].map((n) => `'${n}'`).join(', ');
    throw validationError(path, `Column found in multiple operators: [${names}].`);
  }
  // Presets override what the client sent (Hasura §8); the filter limits which rows change.
  for (const [name, value] of Object.entries(target.update?.presets ?? {})) {
    const column = target.table.columnsByName.get(name);
    if (!column) continue;
    const index = operations.findIndex((o) => o.column === name);
    if (index >= 0) operations.splice(index, 1);
    operations.push({ kind: '_set', column: name, value: presetParam(value, column) });
  }
  const info = target.table.info;
  const update = target.update;
  return {
    table: { schema: info.schema, name: info.name },
    where: and([where, update ? compileRule(update.filter, update) : null]),
    operations,
    check: update ? compileRule(update.check, update) : null,
  };
}

function operatorParam(op: Operator, value: InputTree, column: MutationTarget['table']['columns'][number], path: string) {
  switch (op) {
    case '_delete_key':
      return typedParam(value, { schema: 'pg_catalog', name: 'text' }, false, path);
    case '_delete_elem':
      return typedParam(value, { schema: 'pg_catalog', name: 'int4' }, false, path);
    case '_delete_at_path':
      return typedParam(value, { schema: 'pg_catalog', name: 'text' }, true, path);
    default:
      return column.isArray ? columnArrayParam(value, column, path) : columnParam(value, column, path);
  }
}

/** The input type of a field argument (`_set` → `<table>_set_input`). */
export function argumentType(field: GraphQLField<unknown, unknown>, name: string): GraphQLInputObjectType | undefined {
  const arg = field.args.find((a) => a.name === name);
  return arg ? (getNamedType(arg.type) as GraphQLInputObjectType) : undefined;
}
