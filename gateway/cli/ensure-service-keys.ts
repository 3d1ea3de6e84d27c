/**
 * Makes the catalog's metadata hold a service key record for each given key (by name, with its
 * roles and the hash of that key), so that `sluice start` can hand the example's functions keys
 * that work. A record whose hash already matches is left alone; nothing is saved when nothing
 * changed, so a restart does not bump the resource version.
 */
import type pg from 'pg';
import { createMetadataStore } from '../metadata/index.js';
import { hashServiceKey, serviceKeyMatchesHash, type ServiceKeyRecord } from '../session/service-keys/index.js';

export interface WantedServiceKey {
  readonly name: string;
  readonly roles: readonly string[];
  /** The key itself (`sk_…`); only its hash is stored. */
  readonly key: string;
  readonly comment?: string;
}

async function isCurrent(record: ServiceKeyRecord | undefined, wanted: WantedServiceKey): Promise<boolean> {
  if (record === undefined || record.expires_at !== undefined) return false;
  if (record.roles.length !== wanted.roles.length || record.roles.some((role, i) => role !== wanted.roles[i])) return false;
  return serviceKeyMatchesHash(wanted.key, record.key_hash);
}

/** Returns the names of the records it added or replaced. */
export async function ensureServiceKeys(pool: pg.Pool, wanted: readonly WantedServiceKey[]): Promise<string[]> {
  const store = createMetadataStore(pool);
  const stored = await store.load();
  const records = [...(stored.metadata.service_keys ?? [])];
  const changed: string[] = [];
  for (const key of wanted) {
    const index = records.findIndex((record) => record.name === key.name);
    if (await isCurrent(records[index], key)) continue;
    const record: ServiceKeyRecord = {
      name: key.name,
      roles: [...key.roles],
      key_hash: await hashServiceKey(key.key),
      ...(key.comment === undefined ? {} : { comment: key.comment }),
    };
    if (index === -1) records.push(record);
    else records[index] = record;
    changed.push(key.name);
  }
  if (changed.length > 0) await store.save({ ...stored.metadata, service_keys: records }, stored.resourceVersion);
  return changed;
}
