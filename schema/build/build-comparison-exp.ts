import {
  GraphQLBoolean,
  GraphQLInputObjectType,
  GraphQLList,
  GraphQLNonNull,
  GraphQLString,
  type GraphQLInputFieldConfigMap,
  type GraphQLInputType,
} from 'graphql';
import { typeNames } from '../inflection/inflection.js';
import type { ResolvedColumn } from '../resolve/index.js';
import { isStringScalar, type ScalarTypes } from './scalar-types.js';
import type { TypeCache } from './type-cache.js';

const list = (t: GraphQLInputType) => new GraphQLList(new GraphQLNonNull(t));

function describe(scalar: string): string {
  return `Boolean expression to compare columns of type "${scalar}". All fields are combined with logical 'AND'.`;
}

function genericOperators(value: GraphQLInputType): GraphQLInputFieldConfigMap {
  return {
    _eq: { type: value },
    _gt: { type: value },
    _gte: { type: value },
    _in: { type: list(value) },
    _is_null: { type: GraphQLBoolean },
    _lt: { type: value },
    _lte: { type: value },
    _neq: { type: value },
    _nin: { type: list(value) },
  };
}

/** `<Scalar>_comparison_exp`, or `<Scalar>_array_comparison_exp` for array columns (Hasura §4). */
export function buildComparisonExp(column: ResolvedColumn, scalars: ScalarTypes, cache: TypeCache): GraphQLInputObjectType {
  if (column.isArray) {
    const name = typeNames.arrayComparisonExp(column.scalar);
    return cache.getOrCreate(name, () => {
      const value = list(scalars.get(column.scalar));
      return new GraphQLInputObjectType({
        name,
        description: describe(column.scalar),
        fields: () => ({ _contained_in: { type: value }, _contains: { type: value }, ...genericOperators(value) }),
      });
    });
  }
  const name = typeNames.comparisonExp(column.scalar);
  return cache.getOrCreate(name, () => {
    const value = scalars.get(column.scalar);
    const typname = column.scalarPgType.name;
    return new GraphQLInputObjectType({
      name,
      description: describe(column.scalar),
      fields: () => {
        const fields: GraphQLInputFieldConfigMap = { ...genericOperators(value) };
        if (isStringScalar(typname)) Object.assign(fields, stringOperators(value));
        if (typname === 'jsonb') Object.assign(fields, jsonbOperators(value, scalars, cache));
        if (typname === 'ltree') Object.assign(fields, ltreeOperators(value, scalars));
        if (typname === 'geometry' || typname === 'geography') Object.assign(fields, spatialOperators(value, typname, scalars, cache));
        return sortFields(fields);
      },
    });
  });
}

/** GraphQL lists input fields in definition order; Hasura's are alphabetical. */
function sortFields(fields: GraphQLInputFieldConfigMap): GraphQLInputFieldConfigMap {
  return Object.fromEntries(Object.entries(fields).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function stringOperators(value: GraphQLInputType): GraphQLInputFieldConfigMap {
  return {
    _ilike: { type: value, description: 'does the column match the given case-insensitive pattern' },
    _iregex: { type: value, description: 'does the column match the given POSIX regular expression, case insensitive' },
    _like: { type: value, description: 'does the column match the given pattern' },
    _nilike: { type: value, description: 'does the column NOT match the given case-insensitive pattern' },
    _niregex: { type: value, description: 'does the column NOT match the given POSIX regular expression, case insensitive' },
    _nlike: { type: value, description: 'does the column NOT match the given pattern' },
    _nregex: { type: value, description: 'does the column NOT match the given POSIX regular expression, case sensitive' },
    _nsimilar: { type: value, description: 'does the column NOT match the given SQL regular expression' },
    _regex: { type: value, description: 'does the column match the given POSIX regular expression, case sensitive' },
    _similar: { type: value, description: 'does the column match the given SQL regular expression' },
  };
}

function jsonbOperators(value: GraphQLInputType, scalars: ScalarTypes, cache: TypeCache): GraphQLInputFieldConfigMap {
  const castExp = cache.getOrCreate('jsonb_cast_exp', () => {
    const stringComparison = cache.getOrCreate(typeNames.comparisonExp('String'), () =>
      new GraphQLInputObjectType({
        name: typeNames.comparisonExp('String'),
        description: describe('String'),
        fields: () => sortFields({ ...genericOperators(GraphQLString), ...stringOperators(GraphQLString) }),
      }),
    );
    return new GraphQLInputObjectType({ name: 'jsonb_cast_exp', fields: { String: { type: stringComparison } } });
  });
  return {
    _cast: { type: castExp },
    _contained_in: { type: value, description: 'is the column contained in the given json value' },
    _contains: { type: value, description: 'does the column contain the given json value at the top level' },
    _has_key: { type: scalars.get('String'), description: 'does the string exist as a top-level key in the column' },
    _has_keys_all: { type: list(GraphQLString), description: 'do all of these strings exist as top-level keys in the column' },
    _has_keys_any: { type: list(GraphQLString), description: 'do any of these strings exist as top-level keys in the column' },
  };
}

function ltreeOperators(value: GraphQLInputType, scalars: ScalarTypes): GraphQLInputFieldConfigMap {
  return {
    _ancestor: { type: value, description: 'is the left argument an ancestor of right (or equal)?' },
    _ancestor_any: { type: list(value), description: 'does array contain an ancestor of `ltree`?' },
    _descendant: { type: value, description: 'is the left argument a descendant of right (or equal)?' },
    _descendant_any: { type: list(value), description: 'does array contain a descendant of `ltree`?' },
    _matches: { type: scalars.get('lquery'), description: 'does `ltree` match `lquery`?' },
    _matches_any: { type: list(GraphQLString), description: 'does `ltree` match any `lquery` in array?' },
    _matches_fulltext: { type: scalars.get('ltxtquery'), description: 'does `ltree` match `ltxtquery`?' },
  };
}

/** PostGIS predicates (Hasura §4): `_st_contains`, …, and `_st_d_within: {distance, from}`. */
function spatialOperators(value: GraphQLInputType, typname: string, scalars: ScalarTypes, cache: TypeCache): GraphQLInputFieldConfigMap {
  const name = typname === 'geography' ? 'st_d_within_geography_input' : 'st_d_within_input';
  const within = cache.getOrCreate(name, () =>
    new GraphQLInputObjectType({
      name,
      fields: () => ({
        distance: { type: new GraphQLNonNull(scalars.get('Float')) },
        from: { type: new GraphQLNonNull(value) },
        ...(typname === 'geography' ? { use_spheroid: { type: GraphQLBoolean, defaultValue: true } } : {}),
      }),
    }),
  );
  const fields: GraphQLInputFieldConfigMap = {
    _st_d_within: { type: within, description: `is the column within a given distance from the given ${typname} value` },
    _st_intersects: { type: value, description: `does the column spatially intersect the given ${typname} value` },
  };
  if (typname === 'geometry') {
    Object.assign(fields, {
      _st_contains: { type: value, description: 'does the column contain the given geometry value' },
      _st_crosses: { type: value, description: 'does the column cross the given geometry value' },
      _st_equals: { type: value, description: 'is the column equal to given geometry value (directionality is ignored)' },
      _st_overlaps: { type: value, description: 'does the column \'spatially overlap\' (intersect but not completely contain) the given geometry value' },
      _st_touches: { type: value, description: 'does the column have atleast one point in common with the given geometry value' },
      _st_within: { type: value, description: 'is the column contained in the given geometry value' },
    });
  }
  return fields;
}
