/**
 * Rich payloads (a Sluice extension): a trigger's `definition.enrich` is a GraphQL selection on its
 * table, resolved at delivery and sent as `event.enriched`, so a function needs no extra reads.
 *
 * A claimed batch is resolved at once: one DataLoader per trigger and batch collects the primary
 * keys of the batch's events and runs ONE GraphQL query through the gateway's own pipeline as
 * admin — `<table>(where: {<pk>: {_in: $keys}}) { <pk> <selection> }`, or `_or` of the key columns
 * for a composite key — which the gateway compiles to one SQL statement. The row is the event's
 * `new` row (its `old` row for DELETE); a row that no longer exists gives `enriched: null`.
 */
import DataLoader from 'dataloader';
import { typeNames } from '../../../schema/inflection/inflection.js';
import type { ResolvedTable } from '../../../schema/resolve/resolved-schema.js';
import type { ClaimedEvent } from './claim-events.js';

export interface GraphQLResult {
  readonly data?: Record<string, unknown> | null;
  readonly errors?: readonly { readonly message: string }[];
}

/** Runs a GraphQL operation as admin (createGateway passes one over its own `yoga.fetch`). */
export type GraphQLExecutor = (query: string, variables: Record<string, unknown>) => Promise<GraphQLResult>;

export type EnrichLoader = DataLoader<ClaimedEvent, unknown, string>;

const keyAlias = (i: number) => `sluice_pk_${i}`;

/** The primary key of the event's row, in key-column order; undefined without a row. */
function keyOf(event: ClaimedEvent, table: ResolvedTable): unknown[] | undefined {
  const row = (event.data.new ?? event.data.old) as Record<string, unknown> | null | undefined;
  if (!row || !table.primaryKey) return undefined;
  return table.primaryKey.map((c) => row[c.name]);
}

/** Key values compare as text: a bigint may come back from GraphQL as a string. */
const keyString = (values: readonly unknown[]) => JSON.stringify(values.map((v) => (v === null || v === undefined ? null : String(v))));

/** The one query for a batch, with its variables. */
export function buildEnrichQuery(table: ResolvedTable, selection: string, keys: readonly (readonly unknown[])[]): { query: string; variables: Record<string, unknown> } {
  const pk = table.primaryKey ?? [];
  const aliases = pk.map((c, i) => `${keyAlias(i)}: ${c.fieldName}`).join(' ');
  const field = table.rootFields.select.name;
  if (pk.length === 1) {
    const column = pk[0]!;
    return {
      query: `query SluiceEventEnrich($keys: [${column.scalar}!]!) { rows: ${field}(where: {${column.fieldName}: {_in: $keys}}) { ${aliases} ${selection} } }`,
      variables: { keys: keys.map((k) => k[0]) },
    };
  }
  return {
    query: `query SluiceEventEnrich($keys: [${typeNames.boolExp(table.typeName)}!]!) { rows: ${field}(where: {_or: $keys}) { ${aliases} ${selection} } }`,
    variables: { keys: keys.map((k) => Object.fromEntries(pk.map((c, i) => [c.fieldName, { _eq: k[i] }]))) },
  };
}

export function createEnrichLoader(graphql: GraphQLExecutor, table: ResolvedTable, selection: string): EnrichLoader {
  const pk = table.primaryKey;
  return new DataLoader<ClaimedEvent, unknown, string>(
    async (events) => {
      if (!pk || pk.length === 0) throw new Error(`enrich needs a primary key on ${table.info.schema}.${table.info.name}`);
      const keys = new Map<string, unknown[]>();
      for (const event of events) {
        const key = keyOf(event, table);
        if (key) keys.set(keyString(key), key);
      }
      const rows = new Map<string, Record<string, unknown>>();
      if (keys.size > 0) {
        const { query, variables } = buildEnrichQuery(table, selection, [...keys.values()]);
        const result = await graphql(query, variables);
        if (result.errors && result.errors.length > 0) throw new Error(result.errors.map((e) => e.message).join('; '));
        const list = result.data?.rows;
        if (!Array.isArray(list)) throw new Error('enrich query returned no rows field');
        for (const row of list as Record<string, unknown>[]) {
          const enriched = { ...row };
          const key = pk.map((_c, i) => {
            const value = row[keyAlias(i)];
            delete enriched[keyAlias(i)];
            return value;
          });
          rows.set(keyString(key), enriched);
        }
      }
      return events.map((event) => {
        const key = keyOf(event, table);
        return key ? (rows.get(keyString(key)) ?? null) : null;
      });
    },
    { cacheKeyFn: (event) => event.id },
  );
}
