import type { GraphQLSchema } from 'graphql';
import type pg from 'pg';
import type { Logger } from 'pino';
import { introspectDatabase, introspectFunctions } from '../../schema/introspect/index.js';
import { resolveSchema, type ResolvedSchema } from '../../schema/resolve/index.js';
import { adminAccess, buildGraphQLSchema, roleAccess } from '../../schema/build/index.js';
import type { DatabaseModel } from '../../schema/model/database-model.js';
import type { MetadataStore } from '../metadata/index.js';
import type { Config } from '../config/config.js';

/** Everything derived from one metadata version; replaced as a whole, never mutated. */
export interface SchemaState {
  readonly resourceVersion: number;
  readonly model: DatabaseModel;
  readonly resolved: ResolvedSchema;
  /** Which role a schema of this state was built for (undefined for schemas of other states). */
  readonly roleOf: (schema: GraphQLSchema) => string | undefined;
  /** The role's schema; `backendOnly` adds its `backend_only` permissions (trusted callers). */
  readonly schemaFor: (role: string, backendOnly?: boolean) => GraphQLSchema;
}

/**
 * Holds the current schema state. A reload builds a complete new state and then swaps it in,
 * so a request keeps the schema it started with. Role schemas are built on first use and
 * cached with the state.
 */
export class SchemaRegistry {
  private state: SchemaState | undefined;
  private reloading: Promise<void> | undefined;

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

  async introspect(): Promise<DatabaseModel> {
    const [model, functions] = await Promise.all([introspectDatabase(this.pool), introspectFunctions(this.pool)]);
    return { ...model, functions };
  }

  /** Re-reads metadata and the database catalog; concurrent calls share one reload. */
  reload(): Promise<void> {
    if (!this.reloading) {
      this.reloading = this.load().finally(() => {
        this.reloading = undefined;
      });
    }
    return this.reloading;
  }

  private async load(): Promise<void> {
    const [stored, model] = await Promise.all([this.store.load(), this.introspect()]);
    const resolved = resolveSchema(model, stored.metadata, { autoTrack: this.config.autoTrack, exposeSchemas: this.config.exposeSchemas });
    for (const warning of resolved.warnings) this.logger.warn({ warning }, 'skipped while building the schema');
    for (const inconsistency of resolved.inconsistencies) this.logger.warn({ inconsistency }, 'inconsistent metadata object');
    const schemas = new Map<string, GraphQLSchema>();
    const roles = new WeakMap<GraphQLSchema, string>();
    const schemaFor = (role: string, backendOnly = false): GraphQLSchema => {
      const key = `${role}\u0000${backendOnly}`;
      let schema = schemas.get(key);
      if (!schema) {
        schema = buildGraphQLSchema(resolved, role === 'admin' ? adminAccess(resolved) : roleAccess(resolved, role, { backendOnly }));
        schemas.set(key, schema);
        roles.set(schema, role);
      }
      return schema;
    };
    schemaFor('admin');
    this.state = { resourceVersion: stored.resourceVersion, model, resolved, schemaFor, roleOf: (schema) => roles.get(schema) };
    this.logger.info({ tables: resolved.tables.length, resourceVersion: stored.resourceVersion }, 'schema built');
  }
}
