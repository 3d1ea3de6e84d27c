/**
 * Sluice's metadata document: the same JSON shape as Hasura v2's `export_metadata` (version 3),
 * so that a Hasura user's metadata loads unchanged. Stored as one JSON document with a resource
 * version in Sluice's catalog (`sluice.metadata`).
 *
 * Everything here is plain JSON data; `schema/resolve` checks it against the database model.
 */
import type { QualifiedName } from '../model/database-model.js';

export interface Metadata {
  readonly version: 3;
  readonly sources: readonly SourceMetadata[];
  readonly inherited_roles?: readonly InheritedRole[];
  /**
   * Sluice's scoped service keys (not in Hasura): hashed secrets bound to the roles they may
   * assume. Same shape as `ServiceKeyRecord` in gateway/session/service-keys; `key_hash` is
   * `scrypt$<salt>$<hash>`, never the key.
   */
  readonly service_keys?: readonly {
    readonly name: string;
    readonly roles: readonly string[];
    readonly key_hash: string;
    readonly expires_at?: string;
    readonly comment?: string;
  }[];
}

export interface SourceMetadata {
  readonly name: string;
  readonly kind: 'postgres';
  readonly tables: readonly TableMetadata[];
  /** Tracked SQL functions returning SETOF a tracked table (Hasura's `pg_track_function`). */
  readonly functions?: readonly FunctionMetadata[];
  readonly configuration?: Record<string, unknown>;
}

export interface TableMetadata {
  readonly table: QualifiedName;
  readonly configuration?: TableConfiguration;
  readonly is_enum?: boolean;
  readonly object_relationships?: readonly RelationshipMetadata<ObjectRelationshipUsing>[];
  readonly array_relationships?: readonly RelationshipMetadata<ArrayRelationshipUsing>[];
  readonly select_permissions?: readonly PermissionEntry<SelectPermission>[];
  readonly insert_permissions?: readonly PermissionEntry<InsertPermission>[];
  readonly update_permissions?: readonly PermissionEntry<UpdatePermission>[];
  readonly delete_permissions?: readonly PermissionEntry<DeletePermission>[];
  readonly event_triggers?: readonly Record<string, unknown>[];
  readonly computed_fields?: readonly ComputedFieldMetadata[];
}

export interface FunctionMetadata {
  readonly function: QualifiedName | string;
  readonly configuration?: { readonly custom_name?: string | null; readonly session_argument?: string | null; readonly exposed_as?: string | null };
  readonly comment?: string | null;
}

/** A field computed by a SQL function of the row (Hasura's `pg_add_computed_field`). */
export interface ComputedFieldMetadata {
  readonly name: string;
  readonly definition: {
    readonly function: QualifiedName | string;
    readonly table_argument?: string | null;
    readonly session_argument?: string | null;
  };
  readonly comment?: string | null;
}

export type CustomRootFieldName = string | { readonly name?: string | null; readonly comment?: string | null };

export interface TableConfiguration {
  readonly custom_name?: string | null;
  readonly custom_root_fields?: Partial<Record<RootFieldKind, CustomRootFieldName | null>>;
  readonly column_config?: Record<string, { readonly custom_name?: string | null; readonly comment?: string | null }>;
  /** Legacy form of `column_config.<col>.custom_name`. */
  readonly custom_column_names?: Record<string, string>;
  readonly comment?: string | null;
}

export type RootFieldKind =
  | 'select'
  | 'select_by_pk'
  | 'select_aggregate'
  | 'select_stream'
  | 'insert'
  | 'insert_one'
  | 'update'
  | 'update_by_pk'
  | 'update_many'
  | 'delete'
  | 'delete_by_pk';

export interface RelationshipMetadata<Using> {
  readonly name: string;
  readonly using: Using;
  readonly comment?: string | null;
}

export interface ManualConfiguration {
  readonly remote_table: QualifiedName | string;
  readonly column_mapping: Record<string, string>;
  readonly insertion_order?: 'before_parent' | 'after_parent' | null;
}

export type ObjectRelationshipUsing =
  | { readonly foreign_key_constraint_on: string | readonly string[] }
  | {
      readonly foreign_key_constraint_on: {
        readonly table: QualifiedName | string;
        readonly columns?: readonly string[];
        readonly column?: string;
      };
    }
  | { readonly manual_configuration: ManualConfiguration };

export type ArrayRelationshipUsing =
  | {
      readonly foreign_key_constraint_on: {
        readonly table: QualifiedName | string;
        readonly columns?: readonly string[];
        readonly column?: string;
      };
    }
  | { readonly manual_configuration: ManualConfiguration };

export interface PermissionEntry<P> {
  readonly role: string;
  readonly permission: P;
  readonly comment?: string | null;
}

/** A permission boolean expression, as JSON (`{"author_id": {"_eq": "X-Hasura-User-Id"}}`). */
export type PermissionBoolExp = Readonly<Record<string, unknown>>;

export interface SelectPermission {
  readonly columns: readonly string[] | '*';
  readonly filter: PermissionBoolExp;
  readonly limit?: number | null;
  readonly allow_aggregations?: boolean;
  readonly computed_fields?: readonly string[];
  readonly query_root_fields?: readonly string[] | null;
  readonly subscription_root_fields?: readonly string[] | null;
}

export interface InsertPermission {
  readonly check: PermissionBoolExp;
  readonly columns: readonly string[] | '*';
  readonly set?: Record<string, unknown>;
  readonly backend_only?: boolean;
}

export interface UpdatePermission {
  readonly columns: readonly string[] | '*';
  readonly filter: PermissionBoolExp;
  readonly check?: PermissionBoolExp | null;
  readonly set?: Record<string, unknown>;
  readonly backend_only?: boolean;
}

export interface DeletePermission {
  readonly filter: PermissionBoolExp;
  readonly backend_only?: boolean;
}

export interface InheritedRole {
  readonly role_name: string;
  readonly role_set: readonly string[];
}

/** The metadata of a fresh install: one `default` source and nothing tracked. */
export function emptyMetadata(): Metadata {
  return { version: 3, sources: [{ name: 'default', kind: 'postgres', tables: [] }] };
}
