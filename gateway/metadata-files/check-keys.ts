/**
 * Shape checks for the mappings of a metadata file. Unknown keys are refused, not ignored: a
 * misspelt `filtr:` would otherwise drop a permission's row filter without anyone noticing.
 */
import { isMap, isScalar, isSeq, type Node, type YAMLMap, type YAMLSeq } from 'yaml';
import { entries, type YamlFile, type YamlReader } from './yaml-file.js';

export function expectMap(reader: YamlReader, file: YamlFile, node: unknown, what: string): YAMLMap | undefined {
  if (isMap(node)) return node;
  reader.problem(file, node as Node, `${what} must be a mapping`);
  return undefined;
}

/** A missing list (`null` or absent) is an empty one. */
export function expectSeq(reader: YamlReader, file: YamlFile, node: unknown, what: string): YAMLSeq | undefined {
  if (isSeq(node)) return node;
  if (node === null || node === undefined || (isScalar(node) && node.value === null)) return undefined;
  reader.problem(file, node as Node, `${what} must be a list`);
  return undefined;
}

/** Reports every key of `map` not in `allowed`; returns the map's values by key. */
export function checkKeys(
  reader: YamlReader,
  file: YamlFile,
  map: YAMLMap,
  allowed: readonly string[],
  what: string,
): Map<string, unknown> {
  const values = new Map<string, unknown>();
  for (const { key, pair, value } of entries(map)) {
    if (!allowed.includes(key)) {
      reader.problem(file, pair, `unknown key "${key}" in ${what} (expected ${allowed.join(', ')})`);
      continue;
    }
    values.set(key, value);
  }
  return values;
}

export function requireString(reader: YamlReader, file: YamlFile, map: YAMLMap, values: Map<string, unknown>, key: string, what: string): string | undefined {
  const node = values.get(key);
  if (node === undefined) {
    reader.problem(file, map, `${what} has no "${key}"`);
    return undefined;
  }
  if (isScalar(node) && typeof node.value === 'string' && node.value !== '') return node.value;
  reader.problem(file, node as Node, `"${key}" of ${what} must be a non-empty string`);
  return undefined;
}
