import type { ResolvedColumn } from '../../schema/resolve/index.js';
import type { Param } from './ir.js';
import { sessionVariableName } from './plan-permission.js';

/** A column preset of a permission: a literal, or a session variable cast to the column type. */
export function presetParam(value: unknown, column: ResolvedColumn): Param {
  const session = sessionVariableName(value);
  const isJson = column.scalarPgType.name === 'json' || column.scalarPgType.name === 'jsonb';
  return {
    kind: 'param',
    source: session ? { kind: 'session', name: session } : { kind: 'constant', value },
    pgType: { schema: column.scalarPgType.schema, name: column.scalarPgType.name },
    array: column.isArray,
    encoding: isJson && !session ? 'json' : 'plain',
    path: '$',
  };
}
