/**
 * Narrowing of untrusted request JSON into the shapes operations need. Every failure is a 400
 * `parse-failed` that points at the offending key, with Hasura's (aeson's) wording, so a malformed
 * request never reaches an operation as `undefined` and never becomes a 500.
 */
import { GatewayError } from '../errors/index.js';
import type { QualifiedName } from '../../schema/model/database-model.js';

export type JsonObject = Record<string, unknown>;

export function parseFailed(message: string, path: string): GatewayError {
  return new GatewayError('parse-failed', message, { path });
}

function typeName(value: unknown): string {
  if (value === null) return 'Null';
  if (Array.isArray(value)) return 'Array';
  const t = typeof value;
  return t === 'object' ? 'Object' : t === 'string' ? 'String' : t === 'number' ? 'Number' : t === 'boolean' ? 'Boolean' : t;
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function expectObject(value: unknown, path: string): JsonObject {
  if (!isJsonObject(value)) throw parseFailed(`expected Object, but encountered ${typeName(value)}`, path);
  return value;
}

export function expectArray(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) throw parseFailed(`expected Array, but encountered ${typeName(value)}`, path);
  return value;
}

export function requireKey(obj: JsonObject, key: string, path: string): unknown {
  if (obj[key] === undefined) throw parseFailed(`key "${key}" not found`, path);
  return obj[key];
}

export function expectString(value: unknown, path: string): string {
  if (typeof value !== 'string') throw parseFailed(`expected String, but encountered ${typeName(value)}`, path);
  return value;
}

export function requireString(obj: JsonObject, key: string, path: string): string {
  return expectString(requireKey(obj, key, path), `${path}.${key}`);
}

export function optionalString(obj: JsonObject, key: string, path: string): string | undefined {
  const value = obj[key];
  return value === undefined || value === null ? undefined : expectString(value, `${path}.${key}`);
}

export function optionalBoolean(obj: JsonObject, key: string, path: string): boolean | undefined {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw parseFailed(`expected Boolean, but encountered ${typeName(value)}`, `${path}.${key}`);
  return value;
}

export function requireStringArray(obj: JsonObject, key: string, path: string): string[] {
  const list = expectArray(requireKey(obj, key, path), `${path}.${key}`);
  return list.map((item, i) => expectString(item, `${path}.${key}[${i}]`));
}

/** A table reference as Hasura accepts it: `"name"` (schema `public`) or `{schema?, name}`. */
export function parseTableName(value: unknown, path: string): QualifiedName {
  if (typeof value === 'string') return { schema: 'public', name: value };
  const obj = expectObject(value, path);
  const name = requireString(obj, 'name', path);
  return { schema: optionalString(obj, 'schema', path) ?? 'public', name };
}

/**
 * The `table` argument, or the legacy flat `{schema, name}` form that `/v1/query` setups use for
 * `track_table` (`{"schema": "public", "name": "author"}`).
 */
export function parseTableArg(args: JsonObject, path: string): QualifiedName {
  if (args.table !== undefined) return parseTableName(args.table, `${path}.table`);
  if (typeof args.name === 'string') return parseTableName(args, path);
  throw parseFailed('key "table" not found', path);
}

/** Sluice serves one Postgres source, `default`; naming any other one is `not-exists`. */
export function checkSource(args: JsonObject, path: string): void {
  const source = optionalString(args, 'source', path);
  if (source !== undefined && source !== 'default') {
    throw new GatewayError('not-exists', `source with name "${source}" does not exist`, { path });
  }
}
