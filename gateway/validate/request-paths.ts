import { Kind, type ASTNode, type DocumentNode, type SelectionSetNode, type ValueNode } from 'graphql';

/**
 * Hasura reports errors at a JSON path into the request (`$.selectionSet.author.args.where`),
 * graphql-js at an AST node. This indexes every node of a document by its Hasura path, walking
 * operations and the fragments they spread (`…selectionSet.<fragment>.selectionSet…`).
 */
export function indexRequestPaths(document: DocumentNode): Map<ASTNode, string> {
  const paths = new Map<ASTNode, string>();
  const fragments = new Map(document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])));
  const visiting = new Set<string>();

  const visitValue = (node: ValueNode, path: string) => {
    if (!paths.has(node)) paths.set(node, path);
    if (node.kind === Kind.OBJECT) {
      for (const field of node.fields) {
        paths.set(field, `${path}.${field.name.value}`);
        visitValue(field.value, `${path}.${field.name.value}`);
      }
    } else if (node.kind === Kind.LIST) {
      node.values.forEach((value, i) => visitValue(value, `${path}[${i}]`));
    }
  };

  const visitSelections = (selectionSet: SelectionSetNode, path: string) => {
    if (!paths.has(selectionSet)) paths.set(selectionSet, path);
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const fieldPath = `${path}.${selection.alias?.value ?? selection.name.value}`;
        if (!paths.has(selection)) paths.set(selection, fieldPath);
        for (const arg of selection.arguments ?? []) {
          paths.set(arg, `${fieldPath}.args.${arg.name.value}`);
          visitValue(arg.value, `${fieldPath}.args.${arg.name.value}`);
        }
        // Hasura reports a misplaced or unknown directive at the enclosing selection set.
        for (const directive of selection.directives ?? []) if (!paths.has(directive)) paths.set(directive, path);
        if (selection.selectionSet) visitSelections(selection.selectionSet, `${fieldPath}.selectionSet`);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        visitSelections(selection.selectionSet, path);
      } else {
        const name = selection.name.value;
        if (!paths.has(selection)) paths.set(selection, path);
        const fragment = fragments.get(name);
        if (fragment && !visiting.has(name)) {
          visiting.add(name);
          visitSelections(fragment.selectionSet, `${path}.${name}.selectionSet`);
          visiting.delete(name);
        }
      }
    }
  };

  for (const definition of document.definitions) {
    if (definition.kind === Kind.OPERATION_DEFINITION) {
      for (const directive of definition.directives ?? []) paths.set(directive, '$');
      visitSelections(definition.selectionSet, '$.selectionSet');
    }
  }
  return paths;
}
