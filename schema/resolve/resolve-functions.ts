import { tableKey, type DatabaseModel } from '../model/database-model.js';
import type { FunctionMetadata } from '../metadata/metadata.js';
import { isValidGraphQLName, scalarNameOfTypeName, tableTypeName } from '../inflection/inflection.js';
import { qualifiedTableName } from './resolve-relationship.js';
import type { Inconsistency, ResolvedFunction } from './resolved-schema.js';

/**
 * Tracked functions (Hasura's `pg_track_function`): STABLE or IMMUTABLE functions returning
 * SETOF a tracked table become query root fields. Their arguments are GraphQL `args`, except a
 * `session_argument`, which receives the session as json.
 */
export function resolveFunctions(
  model: DatabaseModel,
  functions: readonly FunctionMetadata[],
  isTracked: (key: string) => boolean,
  inconsistencies: Inconsistency[],
): ResolvedFunction[] {
  const resolved: ResolvedFunction[] = [];
  for (const entry of functions) {
    const name = qualifiedTableName(entry.function);
    const fail = (reason: string) => inconsistencies.push({ type: 'type', name: name.name, reason });
    const candidates = (model.functions ?? []).filter((f) => f.schema === name.schema && f.name === name.name);
    const fn = candidates[0];
    if (!fn || candidates.length > 1) {
      fail(fn ? `function "${name.name}" is overloaded` : `function "${name.name}" does not exist`);
      continue;
    }
    const target = tableKey({ schema: fn.returns.schema, name: fn.returns.name });
    if (!fn.returnsSet || !fn.returns.isTable || !isTracked(target)) {
      fail(`function "${name.name}" must return SETOF a tracked table`);
      continue;
    }
    if (fn.volatility === 'v' || entry.configuration?.exposed_as === 'mutation') {
      fail(`function "${name.name}" is VOLATILE; functions as mutations are not supported`);
      continue;
    }
    const sessionArgument = entry.configuration?.session_argument;
    // A row-typed argument would need the row as GraphQL input (and its name would clash with
    // the table's object type): such functions serve as computed fields, not root fields.
    if (fn.args.some((arg) => arg.name !== sessionArgument && arg.type.category === 'C')) {
      fail(`function "${name.name}" takes a row argument; track it as a computed field instead`);
      continue;
    }
    const args = fn.args.map((arg) =>
      arg.name === sessionArgument ? { kind: 'session' as const } : { kind: 'input' as const, name: arg.name, scalar: scalarNameOfTypeName(arg.type.name), pgType: { schema: arg.type.schema, name: arg.type.name } },
    );
    const fieldName = entry.configuration?.custom_name ?? tableTypeName(name.schema, name.name);
    if (!isValidGraphQLName(fieldName) || args.some((a) => a.kind === 'input' && !isValidGraphQLName(a.name))) {
      fail(`function "${name.name}" or one of its arguments has no valid GraphQL name`);
      continue;
    }
    resolved.push({ fieldName, function: name, arguments: args, target, description: entry.comment ?? fn.comment });
  }
  return resolved;
}
