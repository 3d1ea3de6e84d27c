import { createHash } from 'node:crypto';
import type { DatabaseModel } from '../../schema/model/database-model.js';
import type { Metadata } from '../../schema/metadata/metadata.js';

/** Maps (the model's tables) as sorted entries, so equal content always serialises equally. */
function replacer(_key: string, value: unknown): unknown {
  if (value instanceof Map) return [...value].sort(([a], [b]) => (String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0));
  return value;
}

/**
 * A digest of everything a schema state is derived from. Equal digests mean the rebuild would
 * produce the same schemas, so the registry keeps the ones it has (and their warm plan caches):
 * a notification about DDL elsewhere, or this instance's own change arriving a second time by
 * NOTIFY, then costs one introspection and no rebuild.
 */
export function hashSchemaInputs(model: DatabaseModel, metadata: Metadata): string {
  return createHash('sha256').update(JSON.stringify({ model, metadata }, replacer)).digest('hex');
}
