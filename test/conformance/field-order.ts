/**
 * GraphQL field order under `data`. Upstream collapses key order everywhere except in objects
 * that follow the query's selection set, where fields must come in query order; leaf values
 * (json/jsonb columns included) stay unordered. We walk the selection set of the operation the
 * same way and compare the key order of the actual response with the expected one.
 */
import {
  Kind,
  parse,
  type DocumentNode,
  type FragmentDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { childPath, isObject } from './json-diff.js';

/** For each response key of an object: the sub-selections of the fields behind it (empty = leaf). */
type FieldMap = Map<string, SelectionSetNode[]>;

function collectFields(
  sets: readonly SelectionSetNode[],
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  out: FieldMap = new Map(),
  visited: Set<string> = new Set(),
): FieldMap {
  for (const set of sets) {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        const key = selection.alias?.value ?? selection.name.value;
        const subs = out.get(key) ?? [];
        if (selection.selectionSet) subs.push(selection.selectionSet);
        out.set(key, subs);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        collectFields([selection.selectionSet], fragments, out, visited);
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (!fragment || visited.has(name)) continue;
        visited.add(name);
        collectFields([fragment.selectionSet], fragments, out, visited);
      }
    }
  }
  return out;
}

function rootSelection(query: unknown): { sets: SelectionSetNode[]; fragments: Map<string, FragmentDefinitionNode> } | undefined {
  if (!isObject(query) || typeof query.query !== 'string') return undefined;
  let document: DocumentNode;
  try {
    document = parse(query.query);
  } catch {
    return undefined;
  }
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) {
    if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  }
  const operations = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  const wanted = typeof query.operationName === 'string' ? query.operationName : undefined;
  const operation = wanted ? operations.find((o) => o.name?.value === wanted) : operations[0];
  if (!operation) return undefined;
  return { sets: [operation.selectionSet], fragments };
}

/**
 * Returns "field order" differences between the `data` of the expected and actual response of
 * one GraphQL request (`query` is its request body). Only keys present on both sides are
 * compared; missing or extra fields are the structural comparison's business.
 */
export function diffFieldOrder(expected: unknown, actual: unknown, query: unknown, limit = 5): string[] {
  if (!isObject(expected) || !isObject(actual)) return [];
  const root = rootSelection(query);
  if (!root) return [];
  const out: string[] = [];
  walk(expected.data, actual.data, root.sets, root.fragments, '$.data', out, limit);
  return out;
}

function walk(
  expected: unknown,
  actual: unknown,
  sets: readonly SelectionSetNode[],
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  path: string,
  out: string[],
  limit: number,
): void {
  if (out.length >= limit || sets.length === 0) return;
  if (Array.isArray(expected) && Array.isArray(actual)) {
    const n = Math.min(expected.length, actual.length);
    for (let i = 0; i < n; i++) walk(expected[i], actual[i], sets, fragments, childPath(path, i), out, limit);
    return;
  }
  if (!isObject(expected) || !isObject(actual)) return;
  const expectedKeys = Object.keys(expected).filter((k) => k in actual);
  const actualKeys = Object.keys(actual).filter((k) => k in expected);
  if (expectedKeys.join('\u0000') !== actualKeys.join('\u0000')) {
    out.push(`field order at ${path}: [${expectedKeys.join(',')}] ≠ [${actualKeys.join(',')}]`);
  }
  const fields = collectFields(sets, fragments);
  for (const key of expectedKeys) {
    const subs = fields.get(key);
    if (subs && subs.length > 0) walk(expected[key], actual[key], subs, fragments, childPath(path, key), out, limit);
  }
}
