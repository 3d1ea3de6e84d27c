/**
 * Checking `service_keys` entries, as `sluice_import_service_key` and `replace_metadata` receive
 * them. A malformed value is `parse-failed` at once, like every argument; semantic problems
 * (a bad name, `admin` among the roles, a duplicate name, an unreadable hash) are collected over
 * the whole list and reported together as one `validation-failed`, each in `internal`.
 *
 * No message here ever quotes a `key_hash` or anything that might be a key.
 */
import { GatewayError } from '../errors/index.js';
import { parseServiceKeyHash, type ServiceKeyRecord } from '../session/service-keys/index.js';
import { expectArray, expectObject, optionalString, parseFailed, requireString, requireStringArray, type JsonObject } from './parse-args.js';

export interface ServiceKeyProblem {
  readonly path: string;
  readonly error: string;
}

const namePattern = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
/** An instant, so that expiry does not depend on the server's time zone. */
const instantPattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;

/** Rejects keys we do not know: above all a `key` holding the secret itself. */
export function rejectUnknownKeys(obj: JsonObject, allowed: readonly string[], path: string): void {
  for (const key of Object.keys(obj)) {
    if (allowed.includes(key)) continue;
    if (key === 'key') throw parseFailed('service keys are stored as "key_hash" only; never put the key itself in metadata', `${path}.key`);
    throw parseFailed(`unexpected key "${key}"`, `${path}.${key}`);
  }
}

export function checkServiceKeyName(name: string, path: string, problems: ServiceKeyProblem[]): void {
  if (!namePattern.test(name)) {
    problems.push({ path: `${path}.name`, error: 'a service key name is 1 to 128 letters, digits, "_", "." or "-", starting with a letter or digit' });
  }
}

export function checkServiceKeyRoles(roles: readonly string[], path: string, problems: ServiceKeyProblem[]): void {
  if (roles.length === 0) problems.push({ path: `${path}.roles`, error: 'a service key needs at least one role' });
  roles.forEach((role, i) => {
    const at = `${path}.roles[${i}]`;
    // The admin secret is the only way to admin; a key that could become admin would be a second one.
    if (role === 'admin') problems.push({ path: at, error: 'a service key cannot have the role "admin"' });
    else if (role.trim() === '') problems.push({ path: at, error: 'a role name cannot be empty' });
    else if (roles.indexOf(role) !== i) problems.push({ path: at, error: `role "${role}" is listed twice` });
  });
}

export function checkServiceKeyExpiry(expiresAt: string | undefined, path: string, problems: ServiceKeyProblem[]): void {
  if (expiresAt !== undefined && (!instantPattern.test(expiresAt) || Number.isNaN(Date.parse(expiresAt)))) {
    problems.push({ path: `${path}.expires_at`, error: 'expires_at must be an ISO 8601 date and time with a zone, such as "2030-01-31T00:00:00Z"' });
  }
}

function checkKeyHash(keyHash: string, path: string, problems: ServiceKeyProblem[]): void {
  if (parseServiceKeyHash(keyHash) !== null) return;
  const error = keyHash.startsWith('sk_')
    ? 'key_hash holds a service key, not its hash; never put the key itself in metadata'
    : 'key_hash must be "scrypt$<salt>$<hash>" (base64url, 16+ byte salt, 32-byte hash)';
  problems.push({ path: `${path}.key_hash`, error });
}

/** One problem is reported as itself; several as a count, all of them in `internal`. */
export function throwProblems(problems: readonly ServiceKeyProblem[], path: string): void {
  if (problems.length === 0) return;
  const [first] = problems;
  if (problems.length === 1) throw new GatewayError('validation-failed', first!.error, { path: first!.path, internal: problems });
  throw new GatewayError('validation-failed', `${problems.length} problems in service keys; the first: ${first!.error}`, { path, internal: problems });
}

/** An entry with its hash; `problems` gathers what is wrong with it. */
export function parseServiceKeyEntry(value: unknown, path: string, problems: ServiceKeyProblem[]): ServiceKeyRecord {
  const obj = expectObject(value, path);
  rejectUnknownKeys(obj, ['name', 'roles', 'key_hash', 'expires_at', 'comment'], path);
  const name = requireString(obj, 'name', path);
  const roles = requireStringArray(obj, 'roles', path);
  const keyHash = requireString(obj, 'key_hash', path);
  const expiresAt = optionalString(obj, 'expires_at', path);
  const comment = optionalString(obj, 'comment', path);
  checkServiceKeyName(name, path, problems);
  checkServiceKeyRoles(roles, path, problems);
  checkKeyHash(keyHash, path, problems);
  checkServiceKeyExpiry(expiresAt, path, problems);
  return { name, roles, key_hash: keyHash, ...(expiresAt === undefined ? {} : { expires_at: expiresAt }), ...(comment === undefined ? {} : { comment }) };
}

/** The document's `service_keys`, every problem of every entry reported at once. */
export function parseServiceKeys(value: unknown, path: string): ServiceKeyRecord[] {
  const problems: ServiceKeyProblem[] = [];
  const keys = expectArray(value, path).map((item, i) => parseServiceKeyEntry(item, `${path}[${i}]`, problems));
  keys.forEach((key, i) => {
    if (keys.findIndex((other) => other.name === key.name) !== i) {
      problems.push({ path: `${path}[${i}].name`, error: `service key "${key.name}" is defined more than once` });
    }
  });
  throwProblems(problems, path);
  return keys;
}
