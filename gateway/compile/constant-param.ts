import type { Param } from '../plan/ir.js';

/** A parameter whose value the compiler already knows (a role's limit, a response key). */
export function constantParam(value: unknown, type: 'text' | 'int4'): Param {
  return {
    kind: 'param',
    source: { kind: 'constant', value },
    pgType: { schema: 'pg_catalog', name: type },
    array: false,
    encoding: 'plain',
    path: '$',
  };
}
