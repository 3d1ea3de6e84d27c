import type { PgType } from '../../schema/model/database-model.js';
import type { ResolvedColumn } from '../../schema/resolve/index.js';
import type { Param, ParamEncoding, ParamSource } from './ir.js';
import { listSource, type InputTree } from './input-tree.js';

const textType = { schema: 'pg_catalog', name: 'text' } as const;

function encodingOf(type: PgType): ParamEncoding {
  // PostGIS shapes travel as GeoJSON text and are read with ST_GeomFromGeoJSON, as in Hasura.
  if (type.name === 'geometry' || type.name === 'geography') return 'geojson';
  return type.name === 'json' || type.name === 'jsonb' ? 'json' : 'plain';
}

/** A parameter holding one value of a column's scalar type. */
export function columnParam(tree: InputTree, column: ResolvedColumn, path: string): Param {
  const type = column.scalarPgType;
  return { kind: 'param', source: sourceOf(tree), pgType: { schema: type.schema, name: type.name }, array: false, encoding: encodingOf(type), path };
}

/** A parameter holding a list of values of a column's scalar type (`_in`, array columns). */
export function columnArrayParam(tree: InputTree, column: ResolvedColumn, path: string): Param {
  const type = column.scalarPgType;
  return { kind: 'param', source: arrayLiteralSource(tree, column) ?? listSource(tree), pgType: { schema: type.schema, name: type.name }, array: true, encoding: encodingOf(type), path };
}

/**
 * A string written in the document for an array column (`emails: "{a@x.io,b@x.io}"`) is a
 * Postgres array literal, as in Hasura, whose array columns predate GraphQL lists: it is bound as
 * it is and Postgres parses it with the array type's input function. A list, a single value for
 * `_in`, and variables (graphql-js has already made a string a list of one) stay lists.
 */
function arrayLiteralSource(tree: InputTree, column: ResolvedColumn): ParamSource | undefined {
  if (!column.isArray || tree.kind !== 'list' || !tree.single) return undefined;
  const item = tree.items[0];
  return item?.kind === 'scalar' && typeof item.value === 'string' ? item.source : undefined;
}

/** A parameter of a named type (`text`, `lquery`, …), single or array. */
export function typedParam(tree: InputTree, pgType: { schema: string; name: string }, array: boolean, path: string, encoding: ParamEncoding = 'plain'): Param {
  return { kind: 'param', source: array ? listSource(tree) : sourceOf(tree), pgType, array, encoding, path };
}

/** A text parameter with a value fixed by the planner (JSON keys of the response, type names). */
export function constantText(value: string): Param {
  return { kind: 'param', source: { kind: 'constant', value }, pgType: textType, array: false, encoding: 'plain', path: '$' };
}

function sourceOf(tree: InputTree): ParamSource {
  if (tree.kind === 'scalar') return tree.source;
  if (tree.kind === 'enum') return { kind: 'constant', value: tree.value };
  return listSource(tree);
}
