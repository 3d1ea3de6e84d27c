import type { BoolExp, ColumnOperand } from './ir.js';

/**
 * The same expression with every column operand changed (a computed field's call, or the
 * condition under which an inherited role sees the column).
 */
export function withOperand(exp: BoolExp, patch: Partial<ColumnOperand>): BoolExp {
  switch (exp.kind) {
    case 'and':
      return { kind: 'and', items: exp.items.map((item) => withOperand(item, patch)) };
    case 'compare':
    case 'is_null':
    case 'st_d_within':
      return { ...exp, operand: { ...exp.operand, ...patch } };
    default:
      return exp;
  }
}
