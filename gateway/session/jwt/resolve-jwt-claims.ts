import { GatewayError } from '../../errors/index.js';
import { readJsonPath } from './json-path.js';
import type { ClaimsMapValue, JwtClaimsSource, JwtSession } from './jwt-config.js';
import { toSessionValue } from './session-value.js';

const allowedRolesClaim = 'x-hasura-allowed-roles';
const defaultRoleClaim = 'x-hasura-default-role';
// Hasura's `unregisteredClaims`: a namespace path is read from the claims without these.
const registeredClaims = new Set(['iss', 'sub', 'aud', 'exp', 'nbf', 'iat', 'jti']);

function invalidClaims(message: string): GatewayError {
  return new GatewayError('jwt-invalid-claims', message, { status: 400 });
}

function missingRoleClaim(claim: string): GatewayError {
  return new GatewayError('jwt-missing-role-claims', `JWT claim does not contain ${claim}`, { status: 400 });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The namespaced claims object, parsed from a string under `stringified_json`. */
function namespacedClaims(payload: Record<string, unknown>, source: Extract<JwtClaimsSource, { kind: 'namespace' | 'namespace-path' }>): Record<string, unknown> {
  let value: unknown;
  if (source.kind === 'namespace') {
    value = Object.hasOwn(payload, source.namespace) ? payload[source.namespace] : undefined;
    if (value === undefined) throw invalidClaims(`claims key: '${source.namespace}' not found`);
  } else {
    const unregistered = Object.fromEntries(Object.entries(payload).filter(([name]) => !registeredClaims.has(name)));
    value = readJsonPath(unregistered, source.path);
    if (value === undefined) throw invalidClaims(`claims not found at claims_namespace_path: '${source.path.text}'`);
  }
  const where = source.kind === 'namespace' ? `claims_namespace ${source.namespace}` : `claims_namespace_path ${source.path.text}`;
  if (source.format === 'stringified_json') {
    if (typeof value !== 'string') throw invalidClaims('expecting a string when claims_format is stringified_json');
    try {
      value = JSON.parse(value);
    } catch {
      // Hasura echoes the string here; we do not repeat token contents in errors.
      throw invalidClaims(`expecting stringified json at: '${where}'`);
    }
  }
  if (!isObject(value)) throw invalidClaims('expecting a json object when claims_format is json');
  // Claim names are case-insensitive; session variables are stored lower-cased.
  const claims: Record<string, unknown> = {};
  for (const [name, claim] of Object.entries(value)) {
    const lower = name.toLowerCase();
    if (lower.startsWith('x-hasura-')) claims[lower] = claim;
  }
  return claims;
}

/** Applies `claims_map`: each entry is a literal or a path into the whole payload, with a default. */
function mappedClaims(payload: Record<string, unknown>, source: Extract<JwtClaimsSource, { kind: 'map' }>): Record<string, unknown> {
  const read = <T>(entry: ClaimsMapValue<T>): unknown =>
    entry.kind === 'literal' ? entry.value : (readJsonPath(payload, entry.path) ?? entry.default);
  const claims: Record<string, unknown> = {};
  const allowedRoles = read(source.allowedRoles);
  if (allowedRoles !== undefined) claims[allowedRolesClaim] = allowedRoles;
  const defaultRole = read(source.defaultRole);
  if (defaultRole !== undefined) claims[defaultRoleClaim] = defaultRole;
  for (const [name, entry] of source.variables) {
    const value = read(entry);
    if (value === undefined) throw invalidClaims(`JWT claim from claims_map, ${name} not found`);
    claims[name] = value;
  }
  return claims;
}

/**
 * Turns a verified token's payload into a session (`parseClaimsMap` + `parseHasuraClaims`):
 * `x-hasura-allowed-roles` (a list) and `x-hasura-default-role` are required, and the default
 * role must be one of the allowed roles; other `x-hasura-*` claims become session variables.
 */
export function resolveJwtClaims(payload: Record<string, unknown>, source: JwtClaimsSource, expiresAt: Date | null): JwtSession {
  const claims = source.kind === 'map' ? mappedClaims(payload, source) : namespacedClaims(payload, source);

  if (!(allowedRolesClaim in claims)) throw missingRoleClaim(allowedRolesClaim);
  const allowedRoles = claims[allowedRolesClaim];
  if (!Array.isArray(allowedRoles) || !allowedRoles.every((role) => typeof role === 'string' && role !== '')) {
    throw invalidClaims(`invalid ${allowedRolesClaim}; should be a list of roles`);
  }
  if (!(defaultRoleClaim in claims)) throw missingRoleClaim(defaultRoleClaim);
  const defaultRole = claims[defaultRoleClaim];
  if (typeof defaultRole !== 'string' || defaultRole === '') {
    throw invalidClaims(`invalid ${defaultRoleClaim}; should be a single role name`);
  }
  if (!allowedRoles.includes(defaultRole)) {
    throw invalidClaims(`invalid ${defaultRoleClaim}; should be one of ${allowedRolesClaim}`);
  }

  const variables: Record<string, string> = {};
  for (const [name, value] of Object.entries(claims)) {
    if (name === allowedRolesClaim || name === defaultRoleClaim) continue;
    const text = toSessionValue(value);
    if (text !== undefined) variables[name] = text;
  }
  return { allowedRoles: [...(allowedRoles as string[])], defaultRole, variables, expiresAt };
}
