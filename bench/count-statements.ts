/**
 * SQL statements per request, from pg_stat_statements: the rise in `calls` while a known number
 * of requests ran one after another, divided by that number. Transaction control (BEGIN, COMMIT,
 * ROLLBACK), `set_config` and this module's own queries are left out, so the figure is the
 * statements that do the work. The requests run sequentially with nothing else using the
 * database, so nothing else lands in the delta.
 */
import pg from 'pg';

const snapshotSql = `
  SELECT coalesce(sum(calls), 0)::bigint AS calls
  FROM pg_stat_statements
  WHERE query NOT ILIKE '%pg_stat_statements%'
    AND query !~* '^\\s*(BEGIN|COMMIT|ROLLBACK|START TRANSACTION|END)\\y'
    AND query NOT ILIKE '%set_config(%'`;

export interface StatementCounter {
  /** Statements per request while `requests` calls of `send` ran, or null when unknown. */
  perRequest(requests: number, send: (i: number) => Promise<void>): Promise<number | null>;
  close(): Promise<void>;
}

export async function createStatementCounter(url: string, enabled: boolean): Promise<StatementCounter> {
  if (!enabled) {
    return {
      async perRequest(requests, send) {
        for (let i = 0; i < requests; i++) await send(i);
        return null;
      },
      async close() {},
    };
  }
  const client = new pg.Client({ connectionString: url, application_name: 'sluice-bench-stats' });
  await client.connect();
  const snapshot = async (): Promise<number> => Number((await client.query<{ calls: string }>(snapshotSql)).rows[0]?.calls ?? 0);
  return {
    async perRequest(requests, send) {
      const before = await snapshot();
      for (let i = 0; i < requests; i++) await send(i);
      const after = await snapshot();
      return (after - before) / requests;
    },
    close: () => client.end(),
  };
}
