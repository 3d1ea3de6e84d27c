import {
  GraphQLInputObjectType,
  GraphQLList,
  GraphQLNonNull,
  type GraphQLFieldConfig,
  type GraphQLFieldConfigArgumentMap,
} from 'graphql';
import type { ResolvedComputedField } from '../resolve/index.js';
import type { OutputFieldSpec, SelectAccess } from './field-spec.js';
import { hasReadableFields, type BuildContext } from './build-context.js';
import { buildObjectType } from './build-object-type.js';
import { buildSelectArgs } from './build-select-args.js';

const spec = (sluice: OutputFieldSpec) => ({ sluice });

/** `<function>_args`: the function's own arguments besides the row and the session. */
export function buildFunctionArgs(context: BuildContext, field: Pick<ResolvedComputedField, 'function' | 'arguments'>): GraphQLFieldConfigArgumentMap {
  const inputs = field.arguments.filter((a) => a.kind === 'input');
  if (inputs.length === 0) return {};
  const name = `${field.function.schema === 'public' ? '' : `${field.function.schema}_`}${field.function.name}_args`;
  const type = context.cache.getOrCreate(name, () =>
    new GraphQLInputObjectType({
      name,
      fields: () => Object.fromEntries(inputs.map((a) => [a.name, { type: context.scalars.get(a.scalar) }])),
    }),
  );
  return { args: { type: new GraphQLNonNull(type), description: `input parameters for function "${field.function.name}"` } };
}

/**
 * A computed field as an output field: a scalar, or the rows of the table the function returns
 * with the usual list arguments (filtered by that table's select permission).
 */
export function buildComputedField(context: BuildContext, field: ResolvedComputedField, owner?: SelectAccess): GraphQLFieldConfig<unknown, unknown> | undefined {
  const functionArgs = buildFunctionArgs(context, field);
  if (field.returns.kind === 'scalar') {
    return {
      type: context.scalars.get(field.returns.scalar),
      description: field.description,
      args: functionArgs,
      extensions: spec({ kind: 'computed_scalar', field, ...(owner?.computedFieldRules?.has(field.name) ? { visibleWhere: { rule: owner.computedFieldRules.get(field.name)!, access: owner } } : {}) }),
    };
  }
  const target: SelectAccess | undefined = context.accessFor(field.returns.target);
  if (!target || !hasReadableFields(context, target)) return undefined;
  return {
    type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(buildObjectType(context, target)))),
    description: field.description,
    args: { ...functionArgs, ...buildSelectArgs(context, target) },
    extensions: spec({ kind: 'computed_table', field, access: target }),
  };
}
