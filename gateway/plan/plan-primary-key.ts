import type { ResolvedTable } from '../../schema/resolve/index.js';
import type { BoolExp } from './ir.js';
import type { InputTree } from './input-tree.js';
import { and } from './plan-bool-exp.js';
import { columnParam } from './make-param.js';
import { validationError } from './validation-error.js';

/** `pk = $1 AND …` from the primary-key arguments of a `_by_pk` field (query or mutation). */
export function planPrimaryKey(table: ResolvedTable, value: (fieldName: string) => InputTree | undefined, path: string): BoolExp {
  return and(
    (table.primaryKey ?? []).map((column) => {
      const tree = value(column.fieldName);
      if (!tree || tree.kind === 'null') throw validationError(path, `missing required field '${column.fieldName}'`);
      return { kind: 'compare' as const, operand: { column: column.name }, op: '_eq' as const, value: columnParam(tree, column, `${path}.${column.fieldName}`) };
    }),
  );
}
