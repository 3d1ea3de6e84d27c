import { createHash } from 'node:crypto';
import type { Param } from '../plan/ir.js';
import { compileSql, type Sql } from '../compile/sql.js';

/** SQL text, its parameters and the name it is prepared under on every connection. */
export interface CompiledStatement {
  readonly name: string;
  readonly text: string;
  readonly params: readonly Param[];
}

/** Compiles a fragment and names it after its text, so equal statements share one prepared plan. */
export function compileStatement(fragment: Sql): CompiledStatement {
  const { text, params } = compileSql(fragment);
  return { name: `sluice_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`, text, params };
}
