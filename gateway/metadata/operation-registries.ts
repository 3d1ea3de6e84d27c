/**
 * Which operation names each admin endpoint accepts. `/v1/metadata` has the `pg_`-prefixed names
 * (and the unprefixed ones as aliases); `/v1/query` is Hasura's legacy mix of the unprefixed
 * names, `run_sql` and the JSON DML; `/v2/query` has `run_sql` and the JSON DML.
 */
import type { MetadataOperation } from './metadata-operation.js';
import { documentOperations } from './document-operations.js';
import { eventDeliveryOperations, sluiceEventOperations } from './event-delivery-operations.js';
import { eventLogOperations, sluiceEventLogOperations } from './event-log-operations.js';
import { eventTriggerOperations } from './event-trigger-operations.js';
import { functionOperations } from './function-operations.js';
import { jsonInsert } from './json-insert.js';
import { jsonCount, jsonDelete, jsonUpdate } from './json-mutations.js';
import { jsonSelect } from './json-select.js';
import { permissionOperations } from './permission-operations.js';
import { relationshipOperations } from './relationship-operations.js';
import { runSql } from './run-sql.js';
import { serviceKeyOperations } from './service-key-operations.js';
import { tableOperations, trackTableV1 } from './table-operations.js';

export type OperationRegistry = Readonly<Record<string, MetadataOperation>>;

const prefixed: OperationRegistry = {
  ...tableOperations,
  ...relationshipOperations,
  ...permissionOperations,
  ...functionOperations,
  ...documentOperations,
  ...eventTriggerOperations,
  ...eventDeliveryOperations,
  ...eventLogOperations,
};

/** `track_table` for `pg_track_table`, and so on: the names of Hasura's v1 API. */
const unprefixed: OperationRegistry = Object.fromEntries(
  Object.entries(prefixed).map(([name, operation]) => [name.startsWith('pg_') ? name.slice(3) : name, operation]),
);

const dml: OperationRegistry = { run_sql: runSql, insert: jsonInsert, select: jsonSelect, update: jsonUpdate, delete: jsonDelete, count: jsonCount };

/** Sluice's own operations (`sluice_*`) exist only here, not on the legacy `/v1/query`. */
export const metadataRegistry: OperationRegistry = { ...unprefixed, ...prefixed, ...serviceKeyOperations, ...sluiceEventOperations, ...sluiceEventLogOperations };
export const queryV1Registry: OperationRegistry = { ...prefixed, ...unprefixed, track_table: trackTableV1, ...dml };
export const queryV2Registry: OperationRegistry = dml;
