import { tableKey, type DatabaseModel, type TableInfo } from '../model/database-model.js';
import type { ComputedFieldMetadata } from '../metadata/metadata.js';
import { isValidGraphQLName, scalarNameOfTypeName } from '../inflection/inflection.js';
import { qualifiedTableName } from './resolve-relationship.js';
import type { Inconsistency, ResolvedComputedField } from './resolved-schema.js';

/**
 * Computed fields of a table (Hasura's `computed_fields`): the function must exist, take the
 * table's row (the first argument, or `table_argument`), optionally the session as json
 * (`session_argument`), and not be volatile. It returns a scalar or SETOF a tracked table.
 */
export function resolveComputedFields(
  model: DatabaseModel,
  table: TableInfo,
  fields: readonly ComputedFieldMetadata[],
  isTracked: (key: string) => boolean,
  inconsistencies: Inconsistency[],
): ResolvedComputedField[] {
  const resolved: ResolvedComputedField[] = [];
  for (const field of fields) {
    const fail = (reason: string) => inconsistencies.push({ type: 'column', name: field.name, table: { schema: table.schema, name: table.name }, reason });
    const name = qualifiedTableName(field.definition.function);
    const candidates = (model.functions ?? []).filter((f) => f.schema === name.schema && f.name === name.name);
    const fn = candidates[0];
    if (!fn || candidates.length > 1) {
      fail(fn ? `function "${name.name}" is overloaded` : `function "${name.name}" does not exist`);
      continue;
    }
    if (fn.volatility === 'v' || !isValidGraphQLName(field.name)) {
      fail(fn.volatility === 'v' ? `function "${name.name}" is VOLATILE` : `"${field.name}" is not a valid GraphQL name`);
      continue;
    }
    const rowIndex = field.definition.table_argument ? fn.args.findIndex((a) => a.name === field.definition.table_argument) : 0;
    const sessionIndex = field.definition.session_argument ? fn.args.findIndex((a) => a.name === field.definition.session_argument) : -1;
    const rowArg = fn.args[rowIndex];
    if (!rowArg || rowArg.type.schema !== table.schema || rowArg.type.name !== table.name) {
      fail(`the table argument of "${name.name}" is not of type "${table.name}"`);
      continue;
    }
    const args = fn.args.map((arg, i): ResolvedComputedField['arguments'][number] => {
      if (i === rowIndex) return { kind: 'row' };
      if (i === sessionIndex) return { kind: 'session' };
      return { kind: 'input', name: arg.name, scalar: scalarNameOfTypeName(arg.type.name), pgType: { schema: arg.type.schema, name: arg.type.name } };
    });
    if (args.some((a) => a.kind === 'input' && !isValidGraphQLName(a.name))) {
      fail(`every argument of "${name.name}" besides the row needs a name`);
      continue;
    }
    let returns: ResolvedComputedField['returns'];
    if (fn.returns.isTable && fn.returnsSet) {
      const target = tableKey({ schema: fn.returns.schema, name: fn.returns.name });
      if (!isTracked(target)) {
        fail(`the table "${fn.returns.name}" returned by "${name.name}" is not tracked`);
        continue;
      }
      returns = { kind: 'table', target };
    } else if (!fn.returnsSet && !fn.returns.isTable) {
      returns = { kind: 'scalar', scalar: scalarNameOfTypeName(fn.returns.name), pgType: { schema: fn.returns.schema, name: fn.returns.name, category: fn.returns.category } };
    } else {
      fail(`function "${name.name}" must return a scalar or SETOF a tracked table`);
      continue;
    }
    resolved.push({ name: field.name, function: name, arguments: args, returns, description: field.comment === '' ? null : (field.comment ?? fn.comment ?? `A computed field, executes function ${JSON.stringify(name.name)}`) });
  }
  return resolved;
}
