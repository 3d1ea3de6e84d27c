import type { GraphQLSchema } from 'graphql';
import type pg from 'pg';
import type { Logger } from 'pino';
import { introspectDatabase, introspectFunctions } from '../../schema/introspect/index.js';
import { resolveSchema, type ResolvedSchema } from '../../schema/resolve/index.js';
import { adminAccess, buildGraphQLSchema, roleAccess } from '../../schema/build/index.js';
import type { DatabaseModel } from '../../schema/model/database-model.js';
import { emptyMetadata, type Metadata } from '../../schema/metadata/metadata.js';
import { findInconsistentObjects, type MetadataStore } from '../metadata/index.js';
import type { Config } from '../config/config.js';
import { hashSchemaInputs } from '../reload/hash-schema-inputs.js';
import { RoleSchemaFingerprints } from '../reload/role-schema-fingerprint.js';

/** Everything derived from one metadata version; replaced as a whole, never mutated. */
export interface SchemaState {
  readonly resourceVersion: number;
  readonly model: DatabaseModel;
  readonly resolved: ResolvedSchema;
  /** Which role a schema of this state was built for (undefined for schemas of other states). */
  readonly roleOf: (schema: GraphQLSchema) => string | undefined;
  /** Metadata objects that do not fit the database, counted as `get_inconsistent_metadata` lists them. */
  readonly inconsistentObjects: number;
  /** The role's schema; `backendOnly` adds its `backend_only` permissions (trusted callers). */
  readonly schemaFor: (role: string, backendOnly?: boolean) => GraphQLSchema;
}

/** What `/healthz` reports about the schema being served. */
export interface SchemaHealth {
  /** Metadata objects left out because they do not fit the database (`resolved.inconsistencies`). */
  readonly inconsistentObjects: number;
  /**
   * Set while the newest metadata or catalog could not be turned into a schema: the previous
   * schema (or, at startup, one without metadata) is served instead. Details are in the log.
   */
  readonly reloadFailure: 'previous-schema' | 'without-metadata' | undefined;
}

/** A role schema built for a state, with the digest of what it was built from. */
interface RoleSchema {
  readonly role: string;
  readonly backendOnly: boolean;
  readonly fingerprint: string;
  readonly schema: GraphQLSchema;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Holds the current schema state. A reload builds a complete new state and then swaps it in,
 * so a request keeps the schema it started with. Role schemas are built on first use and
 * cached with the state.
 *
 * A reload never takes the gateway down: if it fails, the previous state stays and the failure
 * is reported on `/healthz`. Only a first load that cannot read the database at all rejects
 * (there is nothing to serve yet); one whose metadata cannot be built serves the database
 * without metadata — admin only, every other role sees nothing — rather than crash-looping.
 */
export class SchemaRegistry {
  private state: SchemaState | undefined;
  /** The role schemas built so far for `state`, offered to the next state for reuse. */
  private roleSchemas: ReadonlyMap<string, RoleSchema> = new Map();
  private inputsHash: string | undefined;
  private failure: SchemaHealth['reloadFailure'];
  private running: Promise<void> | undefined;
  private queued: Promise<void> | undefined;

  constructor(
    private readonly pool: pg.Pool,
    private readonly store: MetadataStore,
    private readonly config: Config,
    private readonly logger: Logger,
  ) {}

  current(): SchemaState {
    if (!this.state) throw new Error('schema requested before the first load finished');
    return this.state;
  }

  health(): SchemaHealth {
    return { inconsistentObjects: this.state?.inconsistentObjects ?? 0, reloadFailure: this.failure };
  }

  async introspect(): Promise<DatabaseModel> {
    const [model, functions] = await Promise.all([introspectDatabase(this.pool), introspectFunctions(this.pool)]);
    return { ...model, functions };
  }

  /**
   * Re-reads metadata and the database catalog. A call while a reload runs does not join it —
   * that one may have read the catalog before the caller's change committed — but waits for one
   * more reload after it; every call in the meantime shares that queued reload, so there is at
   * most one running and one waiting.
   */
  reload(): Promise<void> {
    if (!this.running) return this.start();
    this.queued ??= this.running.then(
      () => undefined,
      () => undefined,
    ).then(() => {
      this.queued = undefined;
      return this.start();
    });
    return this.queued;
  }

  private start(): Promise<void> {
    const running: Promise<void> = this.load().finally(() => {
      if (this.running === running) this.running = undefined;
    });
    this.running = running;
    return running;
  }

  private async load(): Promise<void> {
    const [stored, model] = await Promise.all([this.store.load(), this.introspect()]).catch((error: unknown) => {
      if (this.state) {
        this.failure = 'previous-schema';
        this.logger.error({ err: { message: messageOf(error) } }, 'schema reload failed; serving the previous schema');
      }
      throw error;
    });
    const hash = hashSchemaInputs(model, stored.metadata);
    if (this.state && hash === this.inputsHash) {
      // Same database and metadata: keep the schemas built so far (and their plan caches).
      if (stored.resourceVersion !== this.state.resourceVersion) this.state = { ...this.state, resourceVersion: stored.resourceVersion };
      this.failure = undefined;
      return;
    }
    try {
      [this.state, this.roleSchemas] = this.build(stored.resourceVersion, model, stored.metadata, this.roleSchemas);
      this.inputsHash = hash;
      this.failure = undefined;
    } catch (error) {
      if (this.state) {
        this.failure = 'previous-schema';
        this.logger.error({ err: { message: messageOf(error) }, resourceVersion: stored.resourceVersion }, 'schema reload failed; serving the previous schema');
        throw error;
      }
      this.logger.error(
        { err: { message: messageOf(error) }, resourceVersion: stored.resourceVersion },
        'the stored metadata could not be built into a schema; serving the database without metadata (admin only) until it is fixed',
      );
      [this.state, this.roleSchemas] = this.build(stored.resourceVersion, model, emptyMetadata(), new Map());
      // Not remembered as built from these inputs: the next reload tries the metadata again.
      this.inputsHash = undefined;
      this.failure = 'without-metadata';
    }
  }

  /**
   * A new state. A role schema of the previous state whose inputs are unchanged (same
   * fingerprint: see RoleSchemaFingerprints) is carried over as it is, plans cached for it
   * included; the others are built again on first use. So a permission change rebuilds the roles
   * it concerns, an event trigger change none, and a new table only admin's schema.
   */
  private build(
    resourceVersion: number,
    model: DatabaseModel,
    metadata: Metadata,
    previous: ReadonlyMap<string, RoleSchema>,
  ): [SchemaState, ReadonlyMap<string, RoleSchema>] {
    const resolved = resolveSchema(model, metadata, { autoTrack: this.config.autoTrack, exposeSchemas: this.config.exposeSchemas });
    const fingerprints = new RoleSchemaFingerprints(resolved);
    const schemas = new Map<string, RoleSchema>();
    const roles = new WeakMap<GraphQLSchema, string>();
    for (const [key, entry] of previous) {
      if (fingerprints.fingerprint(entry.role, entry.backendOnly) !== entry.fingerprint) continue;
      schemas.set(key, entry);
      roles.set(entry.schema, entry.role);
    }
    const kept = schemas.size;
    const schemaFor = (role: string, backendOnly = false): GraphQLSchema => {
      const key = `${role}\u0000${backendOnly}`;
      let entry = schemas.get(key);
      if (!entry) {
        const schema = buildGraphQLSchema(resolved, role === 'admin' ? adminAccess(resolved) : roleAccess(resolved, role, { backendOnly }));
        entry = { role, backendOnly, fingerprint: fingerprints.fingerprint(role, backendOnly), schema };
        schemas.set(key, entry);
        roles.set(schema, role);
      }
      return entry.schema;
    };
    schemaFor('admin');
    // Logged only once the state is complete, so a failed build does not repeat them.
    for (const warning of resolved.warnings) this.logger.warn({ warning }, 'skipped while building the schema');
    for (const inconsistency of resolved.inconsistencies) this.logger.warn({ inconsistency }, 'inconsistent metadata object');
    this.logger.info({ tables: resolved.tables.length, resourceVersion, roleSchemasKept: kept, roleSchemasDropped: previous.size - kept }, 'schema built');
    // The same check as `get_inconsistent_metadata`, which also sees what the schema build does
    // not use (an event trigger's missing column), so /healthz and the API never disagree.
    const inconsistentObjects = Math.max(resolved.inconsistencies.length, findInconsistentObjects(metadata, model).length);
    return [{ resourceVersion, model, resolved, inconsistentObjects, schemaFor, roleOf: (schema) => roles.get(schema) }, schemas];
  }
}
