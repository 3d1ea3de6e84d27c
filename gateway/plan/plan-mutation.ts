import { GraphQLInputObjectType, GraphQLObjectType, getNamedType, type OperationDefinitionNode } from 'graphql';
import { outputSpec } from '../../schema/build/index.js';
import type { BoolExp, MutationField, MutationPlan } from './ir.js';
import type { PlanContext } from './plan-context.js';
import { collectFields, subSelections } from './collect-fields.js';
import { planArguments, type Arguments } from './plan-arguments.js';
import { and, planBoolExp } from './plan-bool-exp.js';
import { planInsert } from './plan-insert.js';
import { argumentType, planUpdate } from './plan-update.js';
import { planMutationResponse, planMutationRow } from './plan-mutation-output.js';
import { planPrimaryKey } from './plan-primary-key.js';
import { fieldOf, listItems } from './input-tree.js';
import { compileRule, permissionFilter } from './plan-hop.js';
import { validationError } from './validation-error.js';

function whereOf(args: Arguments, field: Parameters<typeof argumentType>[0], path: string, tree = args.get('where')): BoolExp {
  const type = argumentType(field, 'where');
  return and([tree && type ? planBoolExp(tree, type, `${path}.args.where`) : null]);
}

/** A mutation operation → its root fields in order; they run in one transaction. */
export function planMutation(operation: OperationDefinitionNode, context: PlanContext): MutationPlan {
  const root = context.schema.getMutationType();
  if (!root) throw validationError('$', 'no mutations exist');
  const rootFields: MutationField[] = [];
  for (const collected of collectFields([operation.selectionSet], '$.selectionSet', context)) {
    const node = collected.nodes[0]!;
    const name = node.name.value;
    const alias = collected.responseKey;
    const path = collected.path;
    if (name === '__typename') {
      rootFields.push({ kind: 'typename', alias, typename: root.name });
      continue;
    }
    const definition = root.getFields()[name];
    const spec = definition && outputSpec(definition);
    if (!definition || !spec) throw validationError(path, `field '${name}' not found in type: '${root.name}'`);
    const args = planArguments(node, definition, path, context);
    const outputType = getNamedType(definition.type) as GraphQLObjectType;
    const selections = subSelections(collected);
    const selectionPath = `${path}.selectionSet`;
    const target = 'target' in spec ? spec.target : undefined;
    const readFilter = target?.select ? permissionFilter(target.select) : null;
    switch (spec.kind) {
      case 'insert':
      case 'insert_one': {
        const many = spec.kind === 'insert';
        const objectsArg = many ? 'objects' : 'object';
        const objects = many ? listItems(args.get('objects')) : [args.get('object')!];
        const inputType = argumentType(definition, objectsArg)!;
        const insert = planInsert(objects, inputType, args.get('on_conflict'), argumentType(definition, 'on_conflict'), spec.target, `${path}.args.${objectsArg}`, new Set(), many);
        const output = many ? planMutationResponse(selections, outputType, selectionPath, context, readFilter) : planMutationRow(selections, outputType, selectionPath, context, readFilter);
        rootFields.push({ kind: 'insert', alias, path: `${path}.args.${objectsArg}`, insert, output });
        break;
      }
      case 'update':
      case 'update_by_pk': {
        const byPk = spec.kind === 'update_by_pk';
        const pkTree = args.get('pk_columns');
        const where = byPk ? planPrimaryKey(spec.target.table, (f) => (pkTree ? fieldOf(pkTree, f) : undefined), `${path}.args.pk_columns`) : whereOf(args, definition, path);
        const update = planUpdate((n) => args.get(n), (n) => argumentType(definition, n), where, spec.target, `${path}.args`);
        const output = byPk ? planMutationRow(selections, outputType, selectionPath, context, readFilter) : planMutationResponse(selections, outputType, selectionPath, context, readFilter);
        // Hasura reports database errors of updates and deletes at `$`.
        rootFields.push({ kind: 'update', alias, path: '$', update, output });
        break;
      }
      case 'update_many': {
        const updatesType = argumentType(definition, 'updates')!;
        const updates = listItems(args.get('updates')).map((item, i) => {
          const itemPath = `${path}.args.updates[${i}]`;
          const whereType = getNamedType(updatesType.getFields().where!.type) as GraphQLInputObjectType;
          const whereTree = fieldOf(item, 'where');
          const where = and([whereTree ? planBoolExp(whereTree, whereType, `${itemPath}.where`) : null]);
          return planUpdate(
            (n) => fieldOf(item, n),
            (n) => {
              const f = updatesType.getFields()[n];
              return f ? (getNamedType(f.type) as GraphQLInputObjectType) : undefined;
            },
            where,
            spec.target,
            itemPath,
          );
        });
        rootFields.push({ kind: 'update_many', alias, path: '$', updates, output: planMutationResponse(selections, outputType, selectionPath, context, readFilter) });
        break;
      }
      case 'delete':
      case 'delete_by_pk': {
        const byPk = spec.kind === 'delete_by_pk';
        const given = byPk ? planPrimaryKey(spec.target.table, (f) => args.get(f), `${path}.args`) : whereOf(args, definition, path);
        // The delete permission's filter limits the rows; others are silently left alone.
        const where = and([given, spec.target.delete ? compileRule(spec.target.delete.filter, spec.target.delete) : null]);
        const info = spec.target.table.info;
        const output = byPk ? planMutationRow(selections, outputType, selectionPath, context, readFilter) : planMutationResponse(selections, outputType, selectionPath, context, readFilter);
        rootFields.push({ kind: 'delete', alias, path: '$', table: { schema: info.schema, name: info.name }, where, output });
        break;
      }
      default:
        throw validationError(path, `field '${name}' not found in type: '${root.name}'`);
    }
  }
  return { operation: 'mutation', rootFields };
}
