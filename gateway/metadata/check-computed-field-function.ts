/**
 * Checks the function behind a computed field against `pg_proc`, as Hasura does when it builds the
 * field: exactly one overload, not VOLATILE, a table argument of the table's row type (the named
 * `table_argument`, else the first input argument other than the session argument), and a
 * `session_argument` of type `json`. Returns Hasura's reason text, or undefined when the function
 * fits. Read straight from the catalog with a parameterised query; the database model does not
 * describe functions.
 */
import type { QualifiedName } from '../../schema/model/database-model.js';
import type { Queryable } from '../../schema/introspect/introspect-database.js';

interface FunctionArgument {
  readonly name: string | null;
  readonly schema: string;
  readonly type: string;
  readonly kind: string;
}

type FunctionRow = {
  readonly volatility: string;
  readonly args: readonly FunctionArgument[];
};

export interface ComputedFieldDefinition {
  readonly function: QualifiedName;
  readonly table_argument?: string | undefined;
  readonly session_argument?: string | undefined;
}

/** Every overload of the function with its volatility and input arguments (IN, INOUT, VARIADIC) in order. */
async function describeOverloads(db: Queryable, fn: QualifiedName): Promise<FunctionRow[]> {
  const { rows } = await db.query<FunctionRow>(
    `SELECT p.provolatile AS volatility,
            COALESCE((
              SELECT json_agg(json_build_object('name', NULLIF(a.name, ''), 'schema', tn.nspname, 'type', t.typname, 'kind', t.typtype) ORDER BY a.ord)
                FROM unnest(COALESCE(p.proallargtypes, p.proargtypes::oid[]),
                            COALESCE(p.proargmodes, array_fill('i'::"char", ARRAY[cardinality(p.proargtypes::oid[])])),
                            COALESCE(p.proargnames, '{}'::text[]))
                     WITH ORDINALITY AS a(type_oid, mode, name, ord)
                JOIN pg_catalog.pg_type t ON t.oid = a.type_oid
                JOIN pg_catalog.pg_namespace tn ON tn.oid = t.typnamespace
               WHERE a.mode IN ('i', 'b', 'v')), '[]'::json) AS args
       FROM pg_catalog.pg_proc p
       JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
      WHERE n.nspname = $1 AND p.proname = $2`,
    [fn.schema, fn.name],
  );
  return rows;
}

/** How Hasura prints a function: bare name in `public`, `schema.name` elsewhere, in double quotes. */
function quoted(fn: QualifiedName): string {
  return `"${fn.schema === 'public' ? fn.name : `${fn.schema}.${fn.name}`}"`;
}

export async function checkComputedFieldFunction(db: Queryable, table: QualifiedName, definition: ComputedFieldDefinition): Promise<string | undefined> {
  const fn = definition.function;
  const overloads = await describeOverloads(db, fn);
  if (overloads.length === 0) return `no such function exists: ${quoted(fn)}`;
  if (overloads.length > 1) return `function ${quoted(fn)} is overloaded. Overloaded functions are not supported`;
  const { volatility, args } = overloads[0]!;
  if (volatility === 'v') return `the function ${quoted(fn)} is of type VOLATILE; cannot be added as a computed field`;

  const session = definition.session_argument;
  if (session !== undefined) {
    const arg = args.find((a) => a.name === session);
    if (!arg) return `"${session}" is not an input argument of the function ${quoted(fn)}`;
    if (arg.type !== 'json' || arg.schema !== 'pg_catalog') return `"${session}" argument of the function ${quoted(fn)} is not of type JSON`;
  }

  let tableArg: FunctionArgument | undefined;
  let label: string;
  if (definition.table_argument !== undefined) {
    tableArg = args.find((a) => a.name === definition.table_argument);
    if (!tableArg) return `"${definition.table_argument}" is not an input argument of the function ${quoted(fn)}`;
    label = `"${definition.table_argument}" argument of the function ${quoted(fn)}`;
  } else {
    tableArg = args.find((a) => session === undefined || a.name !== session);
    if (!tableArg) return `the function ${quoted(fn)} has no input arguments`;
    label = `first argument of the function ${quoted(fn)}`;
  }
  if (tableArg.kind !== 'c') return `${label} is not COMPOSITE type`;
  if (tableArg.schema !== table.schema || tableArg.type !== table.name) {
    const type = tableArg.schema === 'public' ? tableArg.type : `${tableArg.schema}.${tableArg.type}`;
    return `${label} of type "${type}" is not the table to which the computed field is being added`;
  }
  return undefined;
}
