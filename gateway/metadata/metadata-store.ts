/**
 * Sluice's metadata document in its catalog table `sluice.metadata` (one row, id 1), with a
 * resource version for optimistic concurrency, as Hasura keeps `hdb_catalog.hdb_metadata`.
 */
import type pg from 'pg';
import { GatewayError } from '../errors/index.js';
import type { Metadata } from '../../schema/metadata/metadata.js';

export interface StoredMetadata {
  readonly metadata: Metadata;
  readonly resourceVersion: number;
}

export interface MetadataStore {
  load(): Promise<StoredMetadata>;
  /**
   * Replaces the document if the stored version is still `expectedVersion` and returns the new
   * version; otherwise 409 `conflict` (another admin request or instance saved first).
   * `beforeCommit` runs in the same transaction after the document is written (the event
   * triggers are installed there), so a failure in it leaves both unchanged.
   */
  save(metadata: Metadata, expectedVersion: number, beforeCommit?: (client: pg.ClientBase) => Promise<void>): Promise<number>;
}

/** Other instances LISTEN on this channel; the payload is the new resource version. */
export const metadataChannel = 'sluice_metadata';

export function createMetadataStore(pool: pg.Pool): MetadataStore {
  return {
    async load() {
      const { rows } = await pool.query<{ metadata: Metadata; resource_version: number }>(
        'SELECT metadata, resource_version FROM sluice.metadata WHERE id = 1',
      );
      const row = rows[0];
      if (!row) throw new GatewayError('unexpected', 'the metadata catalog (sluice.metadata) has no row: run the catalog migration');
      return { metadata: row.metadata, resourceVersion: row.resource_version };
    },

    async save(metadata, expectedVersion, beforeCommit) {
      // The pool is read-only by default: writes need their own READ WRITE transaction.
      const client = await pool.connect();
      try {
        await client.query('BEGIN READ WRITE');
        const { rows } = await client.query<{ resource_version: number }>(
          `UPDATE sluice.metadata
              SET metadata = $1::jsonb, resource_version = resource_version + 1, updated_at = now()
            WHERE id = 1 AND resource_version = $2
        RETURNING resource_version`,
          [JSON.stringify(metadata), expectedVersion],
        );
        const version = rows[0]?.resource_version;
        if (version === undefined) {
          await client.query('ROLLBACK');
          throw new GatewayError('conflict', `metadata resource version referenced (${expectedVersion}) did not match current version`);
        }
        if (beforeCommit) await beforeCommit(client);
        // Delivered only on COMMIT, so listeners never see a version that was rolled back.
        await client.query('SELECT pg_notify($1, $2)', [metadataChannel, String(version)]);
        await client.query('COMMIT');
        return version;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
  };
}
