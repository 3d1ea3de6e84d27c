import { GraphQLEnumType } from 'graphql';
import { descriptions, typeNames } from '../inflection/inflection.js';
import type { SelectAccess } from './field-spec.js';
import { filterableColumns, type BuildContext } from './build-context.js';

/** `<table>_select_column`: one value per visible column; the value is the Postgres column name. */
export function buildSelectColumnEnum(context: BuildContext, access: SelectAccess): GraphQLEnumType | undefined {
  const columns = filterableColumns(access);
  if (columns.length === 0) return undefined;
  const name = typeNames.selectColumn(access.table.typeName);
  return context.cache.getOrCreate(
    name,
    () =>
      new GraphQLEnumType({
        name,
        description: descriptions.selectColumn(access.table.typeName),
        values: Object.fromEntries(columns.map((c) => [c.fieldName, { value: c.name, description: 'column name' }])),
      }),
  );
}
