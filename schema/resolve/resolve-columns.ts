import type { ColumnInfo, PgType, TableInfo } from '../model/database-model.js';
import type { TableConfiguration } from '../metadata/metadata.js';
import { isValidGraphQLName, scalarNameOfTypeName } from '../inflection/inflection.js';
import type { ResolvedColumn } from './resolved-schema.js';

/** Domains are exposed as their base type, so that comparison operators follow the base type. */
function baseType(type: PgType): PgType {
  let current = type;
  while (current.kind === 'domain' && current.elementType) current = current.elementType;
  return current;
}

function resolveColumn(column: ColumnInfo, configuration: TableConfiguration | undefined): ResolvedColumn {
  const config = configuration?.column_config?.[column.name];
  const fieldName = config?.custom_name ?? configuration?.custom_column_names?.[column.name] ?? column.name;
  const type = baseType(column.type);
  const isArray = type.kind === 'array' && type.elementType !== undefined;
  const scalarPgType = isArray ? baseType(type.elementType!) : type;
  return {
    name: column.name,
    fieldName,
    info: column,
    scalar: scalarNameOfTypeName(scalarPgType.name),
    scalarPgType,
    isArray,
    description: config?.comment === '' ? null : (config?.comment ?? column.comment),
  };
}

/**
 * The columns of a table that can be exposed. Columns whose name (or type name) is not a valid
 * GraphQL name are skipped with a warning rather than breaking the whole schema.
 */
export function resolveColumns(
  table: TableInfo,
  configuration: TableConfiguration | undefined,
  warnings: string[],
): ResolvedColumn[] {
  const columns: ResolvedColumn[] = [];
  for (const column of table.columns) {
    const resolved = resolveColumn(column, configuration);
    if (!isValidGraphQLName(resolved.fieldName)) {
      warnings.push(`column ${JSON.stringify(column.name)} of ${JSON.stringify(`${table.schema}.${table.name}`)} is not a valid GraphQL name; skipped`);
      continue;
    }
    if (!isValidGraphQLName(resolved.scalar)) {
      warnings.push(
        `column ${JSON.stringify(column.name)} of ${JSON.stringify(`${table.schema}.${table.name}`)} has type "${resolved.scalarPgType.name}", not a valid GraphQL name; skipped`,
      );
      continue;
    }
    columns.push(resolved);
  }
  return columns;
}
