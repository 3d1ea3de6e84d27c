import type { CustomRootFieldName, RootFieldKind, TableConfiguration } from '../metadata/metadata.js';
import { defaultRootFieldNames, descriptions } from '../inflection/inflection.js';
import type { ResolvedRootFields, RootFieldName } from './resolved-schema.js';

function defaultDescription(kind: RootFieldKind, table: string): string {
  switch (kind) {
    case 'select':
      return descriptions.select(table);
    case 'select_by_pk':
      return descriptions.selectByPk(table);
    case 'select_aggregate':
      return descriptions.selectAggregate(table);
    case 'select_stream':
      return `fetch data from the table in a streaming manner: "${table}"`;
    case 'insert':
      return `insert data into the table: "${table}"`;
    case 'insert_one':
      return `insert a single row into the table: "${table}"`;
    case 'update':
      return `update data of the table: "${table}"`;
    case 'update_by_pk':
      return `update single row of the table: "${table}"`;
    case 'update_many':
      return `update multiples rows of table: "${table}"`;
    case 'delete':
      return `delete data from the table: "${table}"`;
    case 'delete_by_pk':
      return `delete single row from the table: "${table}"`;
  }
}

function custom(value: CustomRootFieldName | null | undefined): { name?: string; comment?: string } {
  if (value == null) return {};
  if (typeof value === 'string') return { name: value };
  return { ...(value.name ? { name: value.name } : {}), ...(typeof value.comment === 'string' ? { comment: value.comment } : {}) };
}

/**
 * Root field names and descriptions of a table, with `custom_root_fields` applied. As in Hasura,
 * a table comment does not replace the default descriptions, but an explicitly empty comment in
 * metadata removes them.
 */
export function resolveRootFields(
  typeName: string,
  displayName: string,
  configuration: TableConfiguration | undefined,
): ResolvedRootFields {
  const defaults = defaultRootFieldNames(typeName);
  const silenced = configuration?.comment === '';
  const entry = (kind: RootFieldKind): RootFieldName => {
    const override = custom(configuration?.custom_root_fields?.[kind]);
    const description = override.comment ?? (silenced ? null : defaultDescription(kind, displayName));
    return { name: override.name ?? defaults[kind], description: description === '' ? null : description };
  };
  return {
    select: entry('select'),
    select_by_pk: entry('select_by_pk'),
    select_aggregate: entry('select_aggregate'),
    select_stream: entry('select_stream'),
    insert: entry('insert'),
    insert_one: entry('insert_one'),
    update: entry('update'),
    update_by_pk: entry('update_by_pk'),
    update_many: entry('update_many'),
    delete: entry('delete'),
    delete_by_pk: entry('delete_by_pk'),
  };
}
