import { ConfigError } from '../../config/index.js';
import { parseJsonPath, type JsonPath } from './json-path.js';
import {
  defaultClaimsNamespace,
  jwtKeyTypes,
  type ClaimsMapValue,
  type JwtClaimsFormat,
  type JwtClaimsSource,
  type JwtConfig,
  type JwtHeaderSource,
  type JwtKeySource,
  type JwtKeyType,
} from './jwt-config.js';
import { parseJwtKey } from './parse-jwt-key.js';

/** Thrown inside this module; `parseJwtConfig` turns it into a `ConfigError` naming the variable. */
class Problem extends Error {}

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalString(o: JsonObject, field: string): string | undefined {
  const value = o[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value === '') throw new Problem(`"${field}" must be a non-empty string`);
  return value;
}

function path(text: string, where: string): JsonPath {
  try {
    return parseJsonPath(text);
  } catch (error) {
    throw new Problem(`${where} is not a valid JSON path (${(error as Error).message})`);
  }
}

function parseKeySource(o: JsonObject): JwtKeySource {
  const hasKey = o.key !== undefined && o.key !== null;
  const hasUrl = o.jwk_url !== undefined && o.jwk_url !== null;
  if (!hasKey && !hasUrl) throw new Problem('needs either "key" (with "type") or "jwk_url"');
  if (hasKey && hasUrl) throw new Problem('"key" and "jwk_url" cannot both be set');
  if (hasUrl) {
    const text = optionalString(o, 'jwk_url') as string;
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw new Problem('"jwk_url" is not a valid URL');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Problem('"jwk_url" must be an http:// or https:// URL');
    return { kind: 'jwk-url', url };
  }
  const type = o.type;
  if (typeof type !== 'string') throw new Problem(`"type" is required with "key" (one of ${jwtKeyTypes.join(', ')})`);
  if (!(jwtKeyTypes as readonly string[]).includes(type)) {
    throw new Problem(`"type" ${JSON.stringify(type)} is not supported (one of ${jwtKeyTypes.join(', ')})`);
  }
  // Never echo the key: it may be the shared secret, or a private key pasted by mistake.
  if (typeof o.key !== 'string' || o.key === '') throw new Problem('"key" must be a non-empty string');
  return parseJwtKey(type as JwtKeyType, o.key, (message) => new Problem(message));
}

function parseClaimsFormat(o: JsonObject): JwtClaimsFormat {
  const format = o.claims_format ?? 'json';
  if (format !== 'json' && format !== 'stringified_json') throw new Problem('"claims_format" must be "json" or "stringified_json"');
  return format;
}

function parseRoleList(value: unknown, where: string): string[] {
  if (!Array.isArray(value) || !value.every((role) => typeof role === 'string' && role !== '')) {
    throw new Problem(`${where} must be a list of role names`);
  }
  return value as string[];
}

function parseRoleName(value: unknown, where: string): string {
  if (typeof value !== 'string' || value === '') throw new Problem(`${where} must be a role name`);
  return value;
}

/** A `claims_map` entry: `{"path": "$.sub", "default": …}` or a literal value. */
function parseMapValue<T>(value: unknown, name: string, literal: (v: unknown, where: string) => T): ClaimsMapValue<T> {
  const where = `claims_map "${name}"`;
  if (isObject(value)) {
    if (typeof value.path !== 'string') throw new Problem(`${where} needs a "path" string`);
    const fallback = value.default === undefined || value.default === null ? undefined : literal(value.default, `${where} "default"`);
    return { kind: 'path', path: path(value.path, `${where} "path"`), default: fallback };
  }
  return { kind: 'literal', value: literal(value, where) };
}

function parseVariableLiteral(value: unknown, where: string): string {
  if (typeof value !== 'string') throw new Problem(`${where} must be a string or {"path": …}`);
  return value;
}

function parseClaimsSource(o: JsonObject): JwtClaimsSource {
  const map = o.claims_map;
  // As in Hasura, `claims_map` takes precedence over the namespace settings.
  if (map !== undefined && map !== null) {
    if (!isObject(map)) throw new Problem('"claims_map" must be an object');
    const entries = new Map<string, unknown>();
    for (const [name, value] of Object.entries(map)) entries.set(name.toLowerCase(), value);
    for (const required of ['x-hasura-allowed-roles', 'x-hasura-default-role']) {
      if (!entries.has(required)) throw new Problem(`"claims_map" needs "${required}"`);
    }
    const variables = new Map<string, ClaimsMapValue<string>>();
    for (const [name, value] of entries) {
      if (name === 'x-hasura-allowed-roles' || name === 'x-hasura-default-role') continue;
      if (!name.startsWith('x-hasura-')) throw new Problem(`claims_map "${name}" is not an x-hasura-* session variable`);
      variables.set(name, parseMapValue(value, name, parseVariableLiteral));
    }
    return {
      kind: 'map',
      allowedRoles: parseMapValue(entries.get('x-hasura-allowed-roles'), 'x-hasura-allowed-roles', parseRoleList),
      defaultRole: parseMapValue(entries.get('x-hasura-default-role'), 'x-hasura-default-role', parseRoleName),
      variables,
    };
  }
  const format = parseClaimsFormat(o);
  const namespace = optionalString(o, 'claims_namespace');
  const namespacePath = optionalString(o, 'claims_namespace_path');
  if (namespace !== undefined && namespacePath !== undefined) {
    throw new Problem('"claims_namespace" and "claims_namespace_path" cannot both be set');
  }
  if (namespacePath !== undefined) return { kind: 'namespace-path', path: path(namespacePath, '"claims_namespace_path"'), format };
  return { kind: 'namespace', namespace: namespace ?? defaultClaimsNamespace, format };
}

function parseAudience(o: JsonObject): string[] | null {
  const audience = o.audience;
  if (audience === undefined || audience === null) return null;
  if (typeof audience === 'string' && audience !== '') return [audience];
  if (Array.isArray(audience) && audience.length > 0 && audience.every((a) => typeof a === 'string' && a !== '')) return audience as string[];
  throw new Problem('"audience" must be a string or a non-empty list of strings');
}

function parseSkew(o: JsonObject): number {
  const skew = o.allowed_skew;
  if (skew === undefined || skew === null) return 0;
  if (typeof skew !== 'number' || !Number.isFinite(skew) || skew < 0) throw new Problem('"allowed_skew" must be a number of seconds, 0 or more');
  return skew;
}

function parseHeader(o: JsonObject): JwtHeaderSource {
  const header = o.header;
  if (header === undefined || header === null) return { kind: 'authorization' };
  if (!isObject(header) || typeof header.type !== 'string') throw new Problem('"header" must be {"type": "Authorization" | "Cookie" | "CustomHeader", …}');
  // Hasura compares the header type case-insensitively.
  const type = header.type.toLowerCase();
  if (type === 'authorization') return { kind: 'authorization' };
  if (type !== 'cookie' && type !== 'customheader') throw new Problem('"header.type" must be "Authorization", "Cookie" or "CustomHeader"');
  if (typeof header.name !== 'string' || header.name === '') throw new Problem(`"header.name" is required with type ${JSON.stringify(header.type)}`);
  return type === 'cookie' ? { kind: 'cookie', name: header.name } : { kind: 'custom-header', name: header.name.toLowerCase() };
}

/**
 * Parses `HASURA_GRAPHQL_JWT_SECRET` (or `SLUICE_JWT_SECRET`) in Hasura's format
 * (`Hasura.Server.Auth.JWT` `FromJSON JWTConfig`). Unknown fields are ignored, as Hasura does.
 * Throws a `ConfigError` with one line naming `envName`; the secret itself never appears in it.
 */
export function parseJwtConfig(json: string, envName: string): JwtConfig {
  try {
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch {
      throw new Problem('not valid JSON');
    }
    if (!isObject(parsed)) throw new Problem('must be a JSON object, like {"type": "HS256", "key": "…"}');
    return {
      key: parseKeySource(parsed),
      claims: parseClaimsSource(parsed),
      audience: parseAudience(parsed),
      issuer: optionalString(parsed, 'issuer') ?? null,
      allowedSkewSeconds: parseSkew(parsed),
      header: parseHeader(parsed),
    };
  } catch (error) {
    if (error instanceof Problem) throw new ConfigError(envName, `${envName}: ${error.message}`);
    throw error;
  }
}
