import type { GraphQLSchema } from 'graphql';
import type { GatewayError } from '../errors/index.js';

const notFound = /^field '(.+)' not found in type: '(.+)'$/;

/**
 * A hint for a "not found" error that exists only because of the role's permissions: the same
 * field exists in the admin schema. Shown only in dev mode (the caller decides), so a role
 * never learns in production what it is not allowed to see.
 */
export function explainDenial(error: GatewayError, role: string, adminSchema: GraphQLSchema): string | undefined {
  const match = notFound.exec(error.message);
  if (!match) return undefined;
  const [, field, typeName] = match as unknown as [string, string, string];
  const type = adminSchema.getType(typeName);
  const fields = type && 'getFields' in type ? (type.getFields() as Record<string, unknown>) : undefined;
  if (!fields || !(field in fields)) return undefined;
  if (typeName === 'query_root') return `role "${role}" has no select permission that exposes "${field}"`;
  if (typeName === 'mutation_root') return `role "${role}" has no insert, update or delete permission that exposes "${field}"`;
  if (typeName.endsWith('_bool_exp') || typeName.endsWith('_order_by')) {
    return `role "${role}" may not filter or sort on "${field}" (not in its select permission's columns)`;
  }
  return `role "${role}" may not select "${field}" of "${typeName}" (not in its permission, or the related table is not readable)`;
}
