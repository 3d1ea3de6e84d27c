import type { FieldNode, GraphQLField, GraphQLObjectType } from 'graphql';
import { outputSpec, type OutputFieldSpec } from '../../schema/build/index.js';
import type { CollectedField } from './collect-fields.js';
import type { ResponseKey } from './ir.js';
import { validationError } from './validation-error.js';

export type SelectedField =
  | (ResponseKey & { readonly kind: 'typename'; readonly typename: string })
  | {
      readonly kind: 'field';
      readonly key: ResponseKey;
      readonly name: string;
      readonly node: FieldNode;
      readonly definition: GraphQLField<unknown, unknown>;
      readonly spec: OutputFieldSpec;
    };

/**
 * A collected field of an object type: `__typename`, or the schema field with its Sluice spec.
 * A field the role's schema does not have is Hasura's "not found" error at the field's path.
 */
export function resolveSelectedField(collected: CollectedField, type: GraphQLObjectType): SelectedField {
  const node = collected.nodes[0]!;
  const name = node.name.value;
  const alias = collected.responseKey;
  if (name === '__typename') return { kind: 'typename', alias, ...(alias === '__typename' ? { schemaName: '__typename' } : {}), typename: type.name };
  const definition = type.getFields()[name];
  const spec = definition && outputSpec(definition);
  if (!definition || !spec) throw validationError(collected.path, `field '${name}' not found in type: '${type.name}'`);
  const key: ResponseKey = alias === definition.name ? { alias, schemaName: definition.name } : { alias };
  return { kind: 'field', key, name, node, definition, spec };
}
