/**
 * The contract between the API envelope and one metadata operation. An operation is a function
 * of the current document and its arguments: it returns a new document (never mutating the old
 * one) or a read-only answer, and the API does the storing, validating and reloading around it.
 */
import type pg from 'pg';
import type { Metadata } from '../../schema/metadata/metadata.js';
import type { DatabaseModel } from '../../schema/model/database-model.js';
import type { InconsistentObject } from './find-inconsistent-objects.js';

export interface OperationContext {
  readonly metadata: Metadata;
  readonly resourceVersion: number;
  /** The live database, introspected at most once per request (and again after `run_sql`). */
  readonly model: () => Promise<DatabaseModel>;
  /** The envelope's `version` (Hasura's `export_metadata` answers differently for 2). */
  readonly version: number;
  /** JSON path of the arguments in the request, for error messages: `$.args` or `$.args[2].args`. */
  readonly path: string;
  /** For `run_sql` and the JSON DML of `/v1/query`: the gateway's (read-only by default) pool. */
  readonly pool: pg.Pool;
  /** `SLUICE_EVENT_LOCK_TIMEOUT_SEC`: a pending event locked more recently is being delivered (busy). */
  readonly eventLockTimeoutSec: number;
}

export type OperationResult =
  | { readonly kind: 'read'; readonly response: unknown }
  | { readonly kind: 'reload'; readonly response: unknown }
  /** SQL ran: the database may have changed, and `metadata` follows what it can (renames, drops). */
  | { readonly kind: 'sql'; readonly response: unknown; readonly metadata: Metadata }
  | {
      readonly kind: 'change';
      readonly metadata: Metadata;
      /**
       * `new`: fail when the change introduces an inconsistency (most operations).
       * `all`: report every inconsistency of the new document (`replace_metadata`).
       */
      readonly check: 'new' | 'all';
      /** Store the document even when it is inconsistent (`allow_inconsistent_metadata`). */
      readonly allowInconsistent?: boolean;
      /** The answer, given the inconsistencies of the stored document; default `{message: "success"}`. */
      readonly respond?: (inconsistencies: readonly InconsistentObject[]) => unknown;
    };

export type MetadataOperation = (args: unknown, context: OperationContext) => Promise<OperationResult>;

export const successMessage = { message: 'success' } as const;

export function change(metadata: Metadata): OperationResult {
  return { kind: 'change', metadata, check: 'new' };
}
