import type { Sql } from './sql.js';

/** Per-statement compiler state: table aliases are numbered so nested scopes never clash. */
export interface CompileContext {
  nextAlias(): string;
}

export function createCompileContext(): CompileContext {
  let next = 0;
  return { nextAlias: () => `_${next++}` };
}

/** The table a fragment is compiled against, and how it names a column (aggregate predicates). */
export interface Scope {
  readonly alias: string;
  /** The row a permission rule is about, for `["$", col]` inside relationships (default: `alias`). */
  readonly root?: string;
  readonly operand?: (column: string) => Sql | undefined;
}
