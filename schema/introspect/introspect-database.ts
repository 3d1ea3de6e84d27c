import type { DatabaseModel } from '../model/database-model.js';

/** Anything that can run a parameterised query: a pg Pool, PoolClient or Client. */
export interface Queryable {
  query<R extends Record<string, unknown> = Record<string, unknown>>(
    text: string,
    values?: readonly unknown[],
  ): Promise<{ rows: R[] }>;
}

/** Reads tables, views, columns, keys and types of every non-system schema. (Stub: being written.) */
export async function introspectDatabase(_db: Queryable): Promise<DatabaseModel> {
  throw new Error('introspectDatabase: not implemented yet');
}
