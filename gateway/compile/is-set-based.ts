import type { Field } from '../plan/ir.js';

export type ArrayRelationship = Extract<Field, { kind: 'array_relationship' }>;

/**
 * An array relationship whose rows can be read for a whole list of parents at once: the rows
 * related to any parent, found through one array of keys, grouped by key and joined to the
 * parents. A limit, offset or `distinct_on` (the request's or the role's) applies to each
 * parent's rows on their own, and a set-returning function is called on each parent row, so
 * those keep the correlated subquery per parent.
 */
export function isSetBased(field: Field): field is ArrayRelationship {
  if (field.kind !== 'array_relationship') return false;
  const { rows, hop } = field;
  return hop.mapping.length > 0 && !rows.limit && !rows.offset && !rows.distinctOn && rows.permissionLimit === null && !rows.fromCall;
}
