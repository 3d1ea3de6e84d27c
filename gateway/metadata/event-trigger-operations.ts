/**
 * `pg_create_event_trigger` and `pg_delete_event_trigger` (v1: `create_event_trigger`,
 * `delete_event_trigger`). For now they only keep the trigger in the table's `event_triggers`, in
 * the shape Hasura exports (`{name, definition: {enable_manual, insert?, update?, delete?},
 * retry_conf, webhook | webhook_from_env, headers?}`), after Hasura's checks of the arguments,
 * the table and the listened columns. The metadata API installs the matching SQL triggers when it
 * saves the document (gateway/events/capture, `syncEventTriggers`).
 */
import { GatewayError } from '../errors/index.js';
import { tableKey, type QualifiedName } from '../../schema/model/database-model.js';
import type { Metadata } from '../../schema/metadata/metadata.js';
import { change, type MetadataOperation, type OperationContext } from './metadata-operation.js';
import {
  checkSource,
  expectArray,
  expectObject,
  expectString,
  isJsonObject,
  optionalBoolean,
  optionalString,
  parseFailed,
  parseTableName,
  requireKey,
  requireString,
  type JsonObject,
} from './parse-args.js';
import { requireTrackedTable, sameTable, trackedTables, updateTable } from './metadata-tables.js';

const operations = ['insert', 'update', 'delete'] as const;

/** Hasura's `defaultRetryConf`. */
const defaultRetryConf = { num_retries: 0, interval_sec: 10, timeout_sec: 60 } as const;

/** Postgres names are at most 63 bytes; Hasura's functions are `notify_hasura_<name>_<OP>`. */
const maxTriggerNameLength = 42;

type EventTrigger = JsonObject & { readonly name: string };

function eventTriggersOf(entry: { readonly event_triggers?: readonly Record<string, unknown>[] }): EventTrigger[] {
  return (entry.event_triggers ?? []).filter((t): t is EventTrigger => typeof t.name === 'string');
}

/** The table that holds the trigger: trigger names are unique in a source, not per table. */
function findTrigger(metadata: Metadata, name: string): QualifiedName | undefined {
  return trackedTables(metadata).find((entry) => eventTriggersOf(entry).some((t) => t.name === name))?.table;
}

/** `"*"` or a list of column names, for `columns` and `payload`. */
function parseColumns(value: unknown, path: string): '*' | string[] {
  if (value === '*') return '*';
  if (typeof value === 'string') throw parseFailed('only "*" or an array of columns is allowed', path);
  return expectArray(value, path).map((c, i) => expectString(c, `${path}[${i}]`));
}

function parseOperationSpec(value: unknown, path: string, envelopePath: string): JsonObject | undefined {
  if (value === undefined || value === null) return undefined;
  const spec = expectObject(value, path);
  const columns = parseColumns(requireKey(spec, 'columns', path), `${path}.columns`);
  const payload = spec.payload === undefined || spec.payload === null ? undefined : parseColumns(spec.payload, `${path}.payload`);
  if (Array.isArray(columns) && columns.length === 0) throw parseFailed('found empty column specification', envelopePath);
  if (Array.isArray(payload) && payload.length === 0) throw parseFailed('found empty payload specification', envelopePath);
  return { columns, ...(payload === undefined ? {} : { payload }) };
}

function parseRetryConf(value: unknown, path: string): JsonObject {
  if (value === undefined || value === null) return { ...defaultRetryConf };
  const conf = expectObject(value, path);
  const int = (key: string, fallback: number): number => {
    const v = conf[key];
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'number' || !Number.isInteger(v)) throw parseFailed('expected Int', `${path}.${key}`);
    return v;
  };
  return { num_retries: int('num_retries', 0), interval_sec: int('interval_sec', 10), timeout_sec: int('timeout_sec', 60) };
}

function parseHeaders(value: unknown, path: string): JsonObject[] | undefined {
  if (value === undefined || value === null) return undefined;
  return expectArray(value, path).map((item, i) => {
    const at = `${path}[${i}]`;
    const header = expectObject(item, at);
    const name = requireString(header, 'name', at);
    if (header.value !== undefined) return { name, value: expectString(header.value, `${at}.value`) };
    if (header.value_from_env !== undefined) return { name, value_from_env: expectString(header.value_from_env, `${at}.value_from_env`) };
    throw parseFailed('expecting value or value_from_env keys', at);
  });
}

/** Hasura's `CreateEventTriggerQuery` parser: its own checks fail at the request object, not at a key. */
function parseCreate(obj: JsonObject, path: string, envelopePath: string) {
  const name = requireString(obj, 'name', path);
  const table = parseTableName(requireKey(obj, 'table', path), `${path}.table`);
  const specs = Object.fromEntries(operations.map((op) => [op, parseOperationSpec(obj[op], `${path}.${op}`, envelopePath)]));
  const enableManual = optionalBoolean(obj, 'enable_manual', path) ?? false;
  const webhook = optionalString(obj, 'webhook', path);
  const webhookFromEnv = optionalString(obj, 'webhook_from_env', path);
  const headers = parseHeaders(obj.headers, `${path}.headers`);
  const retryConf = parseRetryConf(obj.retry_conf, `${path}.retry_conf`);
  const replace = optionalBoolean(obj, 'replace', path) ?? false;
  if (!/^[A-Za-z]+[A-Za-z0-9_-]*$/.test(name)) throw parseFailed('only alphanumeric and underscore and hyphens allowed for name', envelopePath);
  if (name.length > maxTriggerNameLength) throw parseFailed(`event trigger name can be at most ${maxTriggerNameLength} characters`, envelopePath);
  if (!operations.some((op) => specs[op] !== undefined) && !enableManual) {
    throw parseFailed('atleast one amongst insert/update/delete/enable_manual spec must be provided', envelopePath);
  }
  if (webhook !== undefined && webhookFromEnv !== undefined) throw parseFailed('only one of webhook or webhook_from_env should be given', envelopePath);
  if (webhook === undefined && webhookFromEnv === undefined) throw parseFailed('must provide webhook or webhook_from_env', envelopePath);
  const definition: JsonObject = { enable_manual: enableManual };
  for (const op of operations) if (specs[op] !== undefined) definition[op] = specs[op];
  // Sluice's extensions: a GraphQL selection resolved into the payload, and a delivery cap.
  const enrich = optionalString(obj, 'enrich', path);
  if (enrich !== undefined) definition.enrich = enrich;
  const cap = obj.max_concurrency;
  if (cap !== undefined && cap !== null) {
    if (typeof cap !== 'number' || !Number.isInteger(cap) || cap < 1) throw parseFailed('max_concurrency must be a positive integer', `${path}.max_concurrency`);
    definition.max_concurrency = cap;
  }
  const passthrough = Object.fromEntries(
    ['request_transform', 'response_transform', 'cleanup_config', 'trigger_on_replication'].filter((k) => obj[k] !== undefined && obj[k] !== null).map((k) => [k, obj[k]]),
  );
  const trigger: EventTrigger = {
    name,
    definition,
    retry_conf: retryConf,
    ...(webhook === undefined ? { webhook_from_env: webhookFromEnv } : { webhook }),
    ...(headers === undefined ? {} : { headers }),
    ...passthrough,
  };
  return { table, trigger, replace };
}

/** The path of the operation object around `args`: `$.args` → `$`, `$.args[2].args` → `$.args[2]`. */
function envelopePathOf(context: OperationContext): string {
  return context.path === '$.args' ? '$' : context.path.replace(/\.args$/, '');
}

async function assertColumnsExist(context: OperationContext, table: QualifiedName, definition: JsonObject): Promise<void> {
  const info = (await context.model()).tables.get(tableKey(table));
  for (const op of operations) {
    const spec = definition[op];
    if (!isJsonObject(spec) || !Array.isArray(spec.columns)) continue;
    for (const column of spec.columns as string[]) {
      if (!info?.columns.some((c) => c.name === column)) {
        throw new GatewayError('not-exists', `column "${column}" does not exist`, { path: context.path });
      }
    }
  }
}

const createEventTrigger: MetadataOperation = async (args, context) => {
  const obj = expectObject(args, context.path);
  checkSource(obj, context.path);
  const { table, trigger, replace } = parseCreate(obj, context.path, envelopePathOf(context));
  requireTrackedTable(context.metadata, table, context.path);
  if (replace) {
    const owner = findTrigger(context.metadata, trigger.name);
    if (!owner) throw new GatewayError('not-exists', `event trigger "${trigger.name}" does not exist`, { path: context.path });
    if (!sameTable(owner, table)) throw new GatewayError('not-supported', 'cannot replace table or schema for trigger', { path: context.path });
  } else if (findTrigger(context.metadata, trigger.name)) {
    throw new GatewayError('already-exists', `Event trigger with name "${trigger.name}" already exists`, { path: context.path });
  }
  await assertColumnsExist(context, table, trigger.definition as JsonObject);
  return change(
    updateTable(context.metadata, table, (t) => {
      const existing = eventTriggersOf(t);
      const event_triggers = replace ? existing.map((e) => (e.name === trigger.name ? trigger : e)) : [...existing, trigger];
      return { ...t, event_triggers };
    }),
  );
};

const deleteEventTrigger: MetadataOperation = async (args, context) => {
  const obj = expectObject(args, context.path);
  checkSource(obj, context.path);
  const name = requireString(obj, 'name', context.path);
  const owner = findTrigger(context.metadata, name);
  if (!owner) throw new GatewayError('not-exists', `event trigger "${name}" does not exist`, { path: context.path });
  return change(updateTable(context.metadata, owner, (t) => ({ ...t, event_triggers: eventTriggersOf(t).filter((e) => e.name !== name) })));
};

export const eventTriggerOperations: Record<string, MetadataOperation> = {
  pg_create_event_trigger: createEventTrigger,
  pg_delete_event_trigger: deleteEventTrigger,
};
