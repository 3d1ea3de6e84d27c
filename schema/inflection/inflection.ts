/**
 * Every GraphQL name Sluice generates comes from here, so that the schema builder, the planner
 * and error messages agree, and so that Hasura's naming (`SourceCustomization.hs` `mk*`) is
 * followed in one place.
 */
const graphqlName = /^[_A-Za-z][_0-9A-Za-z]*$/;

/** A valid GraphQL name that does not use the reserved `__` prefix. */
export function isValidGraphQLName(name: string): boolean {
  return graphqlName.test(name) && !name.startsWith('__');
}

/** `author` for `public.author`, `hge_tests_test_t1` for `hge_tests.test_t1`, as Hasura does. */
export function tableTypeName(schema: string, table: string): string {
  return schema === 'public' ? table : `${schema}_${table}`;
}

/** English plural of a snake_case or camelCase name, for array relationships (`artist.albums`). */
export function pluralize(name: string): string {
  if (/[^aeiou]y$/i.test(name)) return `${name.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/i.test(name)) return `${name}es`;
  return `${name}s`;
}

/** The names of the root fields of one table, before `custom_root_fields` overrides. */
export function defaultRootFieldNames(typeName: string) {
  return {
    select: typeName,
    select_by_pk: `${typeName}_by_pk`,
    select_aggregate: `${typeName}_aggregate`,
    select_stream: `${typeName}_stream`,
    insert: `insert_${typeName}`,
    insert_one: `insert_${typeName}_one`,
    update: `update_${typeName}`,
    update_by_pk: `update_${typeName}_by_pk`,
    update_many: `update_${typeName}_many`,
    delete: `delete_${typeName}`,
    delete_by_pk: `delete_${typeName}_by_pk`,
  } as const;
}

/** Type names derived from a table's GraphQL type name. */
export const typeNames = {
  boolExp: (t: string) => `${t}_bool_exp`,
  orderBy: (t: string) => `${t}_order_by`,
  selectColumn: (t: string) => `${t}_select_column`,
  aggregate: (t: string) => `${t}_aggregate`,
  aggregateFields: (t: string) => `${t}_aggregate_fields`,
  aggregateOpFields: (t: string, op: string) => `${t}_${op}_fields`,
  aggregateOrderBy: (t: string) => `${t}_aggregate_order_by`,
  aggregateOpOrderBy: (t: string, op: string) => `${t}_${op}_order_by`,
  aggregateBoolExp: (t: string) => `${t}_aggregate_bool_exp`,
  aggregateBoolExpFn: (t: string, fn: string) => `${t}_aggregate_bool_exp_${fn}`,
  aggregateBoolExpColumns: (t: string, fn: string) =>
    `${t}_select_column_${t}_aggregate_bool_exp_${fn}_arguments_columns`,
  comparisonExp: (scalar: string) => `${scalar}_comparison_exp`,
  arrayComparisonExp: (scalar: string) => `${scalar}_array_comparison_exp`,
} as const;

/** Hasura's default descriptions, compared verbatim by its introspection tests. */
export const descriptions = {
  select: (table: string) => `fetch data from the table: "${table}"`,
  selectByPk: (table: string) => `fetch data from the table: "${table}" using primary key columns`,
  selectAggregate: (table: string) => `fetch aggregated fields from the table: "${table}"`,
  objectType: (table: string) => `columns and relationships of "${table}"`,
  boolExp: (table: string) =>
    `Boolean expression to filter rows from the table "${table}". All fields are combined with a logical 'AND'.`,
  orderBy: (table: string) => `Ordering options when selecting data from "${table}".`,
  selectColumn: (table: string) => `select columns of table "${table}"`,
  aggregate: (table: string) => `aggregated selection of "${table}"`,
  aggregateFields: (table: string) => `aggregate fields of "${table}"`,
  arrayRelationship: 'An array relationship',
  objectRelationship: 'An object relationship',
  arrayRelationshipAggregate: 'An aggregate relationship',
} as const;

/** The qualified name as Hasura quotes it in messages: `author`, or `hge_tests.test_t1`. */
export function displayTableName(schema: string, table: string): string {
  return schema === 'public' ? table : `${schema}.${table}`;
}

/**
 * Hasura's scalar mapping (`mkScalarTypeName`): only int4, bool, float4, text and varchar map to
 * built-in GraphQL scalars; every other type becomes a custom scalar named after its canonical
 * Postgres name (`smallint`, `bigint`, `float8`, `numeric`, `timestamptz`, `jsonb`, …).
 */
export function scalarNameOfTypeName(typname: string): string {
  switch (typname) {
    case 'int4':
      return 'Int';
    case 'bool':
      return 'Boolean';
    case 'float4':
      return 'Float';
    case 'text':
    case 'varchar':
      return 'String';
    case 'int2':
      return 'smallint';
    case 'int8':
      return 'bigint';
    default:
      return typname;
  }
}
