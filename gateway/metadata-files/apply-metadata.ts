/**
 * Applying a metadata document to a database, in two steps so that the resource version is read
 * before anything else: `planApply` loads the stored metadata and its version, checks the new
 * document against the live database and computes the diff; `commitApply` saves it only if the
 * version has not moved since (the store NOTIFYs running gateways on commit).
 */
import { syncEventTriggers } from '../events/capture/index.js';
import type pg from 'pg';
import { GatewayError } from '../errors/index.js';
import { introspectDatabase, introspectFunctions } from '../../schema/introspect/index.js';
import type { DatabaseModel } from '../../schema/model/database-model.js';
import type { Metadata } from '../../schema/metadata/metadata.js';
import { createMetadataStore, findInconsistentObjects, type InconsistentObject, type StoredMetadata } from '../metadata/index.js';
import { normalizeMetadata } from '../metadata/normalize-metadata.js';
import { diffMetadata, type MetadataChange } from './diff-metadata.js';

export interface ApplyPlan {
  /** The metadata and resource version in the database when planning started. */
  readonly stored: StoredMetadata;
  /** The document to save, normalised as `replace_metadata` normalises it. */
  readonly metadata: Metadata;
  readonly changes: readonly MetadataChange[];
  /** Problems of `metadata` against the live database (all of them). */
  readonly inconsistencies: readonly InconsistentObject[];
}

export type ApplyOutcome =
  | { readonly status: 'applied'; readonly resourceVersion: number }
  | { readonly status: 'unchanged'; readonly resourceVersion: number }
  | { readonly status: 'inconsistent'; readonly inconsistencies: readonly InconsistentObject[] }
  | { readonly status: 'conflict'; readonly expectedVersion: number; readonly message: string };

/** Thrown when the document itself is malformed (before any database check). */
export class InvalidMetadataError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid metadata:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'InvalidMetadataError';
  }
}

export async function introspectModel(pool: pg.Pool): Promise<DatabaseModel> {
  const [model, functions] = await Promise.all([introspectDatabase(pool), introspectFunctions(pool)]);
  return { ...model, functions };
}

/** The document as `replace_metadata` would store it, or every problem `normalizeMetadata` reports. */
export function normalizeForApply(metadata: Metadata): Metadata {
  try {
    return normalizeMetadata(metadata, '$');
  } catch (error) {
    if (!(error instanceof GatewayError)) throw error;
    const internal = Array.isArray(error.internal) ? (error.internal as { path?: string; error?: string }[]) : [];
    const problems = internal.length > 0 ? internal.map((p) => `${p.path ?? error.path}: ${p.error ?? error.message}`) : [`${error.path}: ${error.message}`];
    throw new InvalidMetadataError(problems);
  }
}

export async function planApply(pool: pg.Pool, metadata: Metadata): Promise<ApplyPlan> {
  const stored = await createMetadataStore(pool).load();
  const normalized = normalizeForApply(metadata);
  const inconsistencies = findInconsistentObjects(normalized, await introspectModel(pool));
  return { stored, metadata: normalized, changes: diffMetadata(stored.metadata, normalized), inconsistencies };
}

/**
 * Saves the planned document unless it is inconsistent (and that is not allowed) or unchanged.
 * A save against a moved resource version is a `conflict`: another admin changed the metadata
 * after the plan was made, so the plan (and the diff a reviewer saw) no longer holds.
 */
export async function commitApply(pool: pg.Pool, plan: ApplyPlan, options: { readonly allowInconsistent?: boolean } = {}): Promise<ApplyOutcome> {
  if (plan.inconsistencies.length > 0 && !options.allowInconsistent) return { status: 'inconsistent', inconsistencies: plan.inconsistencies };
  if (plan.changes.length === 0) return { status: 'unchanged', resourceVersion: plan.stored.resourceVersion };
  try {
    // Postgres triggers of event triggers are installed in the same transaction as the save.
    const install = (client: pg.ClientBase) => syncEventTriggers(client, plan.metadata, () => introspectModel(pool)).then(() => undefined);
    return { status: 'applied', resourceVersion: await createMetadataStore(pool).save(plan.metadata, plan.stored.resourceVersion, install) };
  } catch (error) {
    if (error instanceof GatewayError && error.code === 'conflict') {
      return {
        status: 'conflict',
        expectedVersion: plan.stored.resourceVersion,
        message: `the metadata in the database changed while applying (it was at resource version ${plan.stored.resourceVersion} when apply started); nothing was applied: review \`sluice metadata diff\` and apply again`,
      };
    }
    throw error;
  }
}
