/**
 * Sluice's scoped service keys (no Hasura counterpart): `sluice_create_service_key`,
 * `sluice_import_service_key`, `sluice_drop_service_key` and `sluice_list_service_keys`, on
 * `/v1/metadata` only. The document keeps each key's scrypt hash; the key itself exists only in
 * the answer to `sluice_create_service_key` (or, for an imported hash, wherever it was made).
 *
 * Rotation: create (or import) a second key with the same roles, deploy it, drop the old one.
 */
import { GatewayError } from '../errors/index.js';
import type { Metadata } from '../../schema/metadata/metadata.js';
import { generateServiceKey, hashServiceKey, isServiceKeyExpired, type ServiceKeyRecord } from '../session/service-keys/index.js';
import type { MetadataOperation, OperationResult } from './metadata-operation.js';
import { expectObject, optionalString, requireString, requireStringArray } from './parse-args.js';
import {
  checkServiceKeyExpiry,
  checkServiceKeyName,
  checkServiceKeyRoles,
  parseServiceKeyEntry,
  rejectUnknownKeys,
  throwProblems,
  type ServiceKeyProblem,
} from './parse-service-keys.js';

// The document's entries and the verifier's records must stay one shape.
const _sameShape: (keys: NonNullable<Metadata['service_keys']>) => readonly ServiceKeyRecord[] = (keys) => keys;
void _sameShape;

function serviceKeys(metadata: Metadata): readonly ServiceKeyRecord[] {
  return metadata.service_keys ?? [];
}

/** The document with other keys; an empty list is left out, as a fresh document has none. */
function withServiceKeys(metadata: Metadata, keys: readonly ServiceKeyRecord[]): Metadata {
  const { service_keys: _old, ...rest } = metadata;
  return keys.length === 0 ? rest : { ...rest, service_keys: keys };
}

function assertNewName(metadata: Metadata, name: string, path: string): void {
  if (serviceKeys(metadata).some((key) => key.name === name)) {
    throw new GatewayError('already-exists', `service key "${name}" already exists`, { path: `${path}.name` });
  }
}

function added(metadata: Metadata, record: ServiceKeyRecord, response: unknown): OperationResult {
  return { kind: 'change', metadata: withServiceKeys(metadata, [...serviceKeys(metadata), record]), check: 'new', respond: () => response };
}

/** Makes a key and answers it, once: only its hash is stored. */
const createServiceKey: MetadataOperation = async (args, context) => {
  const path = context.path;
  const obj = expectObject(args, path);
  rejectUnknownKeys(obj, ['name', 'roles', 'expires_at', 'comment'], path);
  const name = requireString(obj, 'name', path);
  const roles = requireStringArray(obj, 'roles', path);
  const expiresAt = optionalString(obj, 'expires_at', path);
  const comment = optionalString(obj, 'comment', path);
  const problems: ServiceKeyProblem[] = [];
  checkServiceKeyName(name, path, problems);
  checkServiceKeyRoles(roles, path, problems);
  checkServiceKeyExpiry(expiresAt, path, problems);
  if (expiresAt !== undefined && problems.length === 0 && Date.parse(expiresAt) <= Date.now()) {
    problems.push({ path: `${path}.expires_at`, error: 'expires_at is in the past' });
  }
  throwProblems(problems, path);
  assertNewName(context.metadata, name, path);
  const key = generateServiceKey();
  const record: ServiceKeyRecord = {
    name,
    roles,
    key_hash: await hashServiceKey(key),
    ...(expiresAt === undefined ? {} : { expires_at: expiresAt }),
    ...(comment === undefined ? {} : { comment }),
  };
  return added(context.metadata, record, { name, key });
};

/** Metadata-as-code: the hash is in git, the key in the function's secret store. */
const importServiceKey: MetadataOperation = async (args, context) => {
  const problems: ServiceKeyProblem[] = [];
  const record = parseServiceKeyEntry(args, context.path, problems);
  throwProblems(problems, context.path);
  assertNewName(context.metadata, record.name, context.path);
  return added(context.metadata, record, { message: 'success' });
};

const dropServiceKey: MetadataOperation = async (args, context) => {
  const obj = expectObject(args, context.path);
  rejectUnknownKeys(obj, ['name'], context.path);
  const name = requireString(obj, 'name', context.path);
  const keys = serviceKeys(context.metadata);
  if (!keys.some((key) => key.name === name)) {
    throw new GatewayError('not-exists', `service key "${name}" does not exist`, { path: `${context.path}.name` });
  }
  return { kind: 'change', metadata: withServiceKeys(context.metadata, keys.filter((key) => key.name !== name)), check: 'new' };
};

/** Names, roles and expiry; never the hashes (`export_metadata` has those). */
const listServiceKeys: MetadataOperation = async (args, context) => {
  if (args !== undefined && args !== null) rejectUnknownKeys(expectObject(args, context.path), [], context.path);
  const now = new Date();
  const response = serviceKeys(context.metadata).map((key) => ({
    name: key.name,
    roles: key.roles,
    expires_at: key.expires_at ?? null,
    expired: isServiceKeyExpired(key, now),
    comment: key.comment ?? null,
  }));
  return { kind: 'read', response };
};

export const serviceKeyOperations: Record<string, MetadataOperation> = {
  sluice_create_service_key: createServiceKey,
  sluice_import_service_key: importServiceKey,
  sluice_drop_service_key: dropServiceKey,
  sluice_list_service_keys: listServiceKeys,
};
