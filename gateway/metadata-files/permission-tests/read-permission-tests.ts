/**
 * Permission tests as files: each YAML file in a folder is a list of
 * `{name, role, session, query, variables?, expect: {data} | {error: {code, message?}}}`.
 * Every file is checked before any test runs, and all problems are reported together.
 */
import { readdir } from 'node:fs/promises';
import { isMap, isScalar, type Node } from 'yaml';
import { checkKeys, expectMap, expectSeq, requireString } from '../check-keys.js';
import { MetadataDirectoryError } from '../metadata-file-problem.js';
import { toJs, YamlReader, type YamlFile } from '../yaml-file.js';

export type PermissionTestExpectation =
  | { readonly kind: 'data'; readonly data: unknown }
  | { readonly kind: 'error'; readonly code: string; readonly message?: string };

export interface PermissionTest {
  /** The file it is in, relative to the tests folder. */
  readonly file: string;
  readonly line: number | undefined;
  readonly name: string;
  /** Undefined: the request is admin. */
  readonly role: string | undefined;
  /** Session variables, names lower-cased, values as the header strings. */
  readonly session: Readonly<Record<string, string>>;
  readonly query: string;
  readonly variables: Record<string, unknown> | undefined;
  readonly expect: PermissionTestExpectation;
}

const testKeys = ['name', 'role', 'session', 'query', 'variables', 'expect'];

function readSession(reader: YamlReader, file: YamlFile, node: unknown): Record<string, string> | undefined {
  if (node === undefined) return {};
  const map = expectMap(reader, file, node, '"session"');
  if (!map) return undefined;
  const session: Record<string, string> = {};
  for (const pair of map.items) {
    const name = isScalar(pair.key) ? String(pair.key.value).toLowerCase() : '';
    if (!name.startsWith('x-hasura-')) reader.problem(file, pair, `session variable "${name}" must start with "x-hasura-"`);
    else if (name === 'x-hasura-role' || name === 'x-hasura-admin-secret') reader.problem(file, pair, `"${name}" is not a session variable: use "role"`);
    else if (!isScalar(pair.value) || pair.value.value === null || typeof pair.value.value === 'object') reader.problem(file, pair, `session variable "${name}" must be a string or number`);
    else session[name] = String(pair.value.value);
  }
  return session;
}

function readExpectation(reader: YamlReader, file: YamlFile, node: unknown): PermissionTestExpectation | undefined {
  const map = expectMap(reader, file, node ?? null, '"expect"');
  if (!map) return undefined;
  const values = checkKeys(reader, file, map, ['data', 'error'], '"expect"');
  if (values.has('data') === values.has('error')) {
    reader.problem(file, map, '"expect" needs exactly one of "data" or "error"');
    return undefined;
  }
  if (values.has('data')) return { kind: 'data', data: toJs(file, values.get('data')) };
  const error = expectMap(reader, file, values.get('error'), '"expect.error"');
  if (!error) return undefined;
  const fields = checkKeys(reader, file, error, ['code', 'message'], '"expect.error"');
  const code = requireString(reader, file, error, fields, 'code', '"expect.error"');
  const message = fields.has('message') ? requireString(reader, file, error, fields, 'message', '"expect.error"') : undefined;
  if (code === undefined) return undefined;
  return message === undefined ? { kind: 'error', code } : { kind: 'error', code, message };
}

function readTest(reader: YamlReader, file: YamlFile, node: unknown, index: number): PermissionTest | undefined {
  const map = expectMap(reader, file, node, `test [${index}]`);
  if (!map) return undefined;
  const before = reader.problems.length;
  const values = checkKeys(reader, file, map, testKeys, 'a test');
  const name = requireString(reader, file, map, values, 'name', `test [${index}]`);
  const what = name === undefined ? `test [${index}]` : `test "${name}"`;
  const role = values.has('role') ? requireString(reader, file, map, values, 'role', what) : undefined;
  const query = requireString(reader, file, map, values, 'query', what);
  const session = readSession(reader, file, values.get('session'));
  const variablesNode = values.get('variables');
  if (variablesNode !== undefined && !isMap(variablesNode)) reader.problem(file, variablesNode as Node, `"variables" of ${what} must be a mapping`);
  if (!values.has('expect')) reader.problem(file, map, `${what} has no "expect"`);
  const expect = values.has('expect') ? readExpectation(reader, file, values.get('expect')) : undefined;
  if (reader.problems.length > before || name === undefined || query === undefined || !session || !expect) return undefined;
  const line = file.lines.linePos(map.range?.[0] ?? 0).line;
  const variables = variablesNode === undefined ? undefined : (toJs(file, variablesNode) as Record<string, unknown>);
  return { file: file.path, line, name, role, session, query, variables, expect };
}

/** The tests of every `*.yaml` / `*.yml` file directly in `dir`, in file-name order. */
export async function readPermissionTests(dir: string): Promise<PermissionTest[]> {
  const names = (await readdir(dir)).filter((n) => /\.ya?ml$/.test(n)).sort();
  const reader = new YamlReader(dir);
  const tests: PermissionTest[] = [];
  for (const name of names) {
    const file = await reader.read(name, true);
    if (!file) continue;
    const seq = expectSeq(reader, file, file.document.contents, name);
    seq?.items.forEach((item, i) => {
      const test = readTest(reader, file, item, i);
      if (test) tests.push(test);
    });
  }
  if (reader.problems.length > 0) throw new MetadataDirectoryError(dir, reader.problems);
  return tests;
}
