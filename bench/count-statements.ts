/**
 * SQL statements per request, from pg_stat_statements: the rise in `calls` while a known number
 * of requests ran one after another, divided by that number. Transaction control (BEGIN, COMMIT,
 * ROLLBACK), `set_config` and this module's own queries are left out, so the figure is the
 * statements that do the work.
 *
 * Background work of the servers (Sluice's reload heartbeat and event polling, say) can land in
 * the same window. It is told apart per statement: the requests are identical in shape, so every
 * statement they cause runs at least once per request, while a background statement runs a few
 * times at most. Statements that ran fewer times than half the requests are left out and named on
 * stderr.
 */
import pg from 'pg';

const snapshotSql = `
  SELECT queryid::text AS id, sum(calls)::bigint AS calls, min(left(query, 120)) AS query
  FROM pg_stat_statements
  WHERE query NOT ILIKE '%pg_stat_statements%'
    AND query !~* '^\\s*(BEGIN|COMMIT|ROLLBACK|START TRANSACTION|END)\\y'
    AND query NOT ILIKE '%set_config(%'
  GROUP BY queryid`;

export interface StatementCounter {
  /** Statements per request while `requests` calls of `send` ran, or null when unknown. */
  perRequest(requests: number, send: (i: number) => Promise<void>): Promise<number | null>;
  close(): Promise<void>;
}

type Snapshot = Map<string, { calls: number; query: string }>;

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
  const snapshot = async (): Promise<Snapshot> => {
    const rows = (await client.query<{ id: string; calls: string; query: string }>(snapshotSql)).rows;
    return new Map(rows.map((row) => [row.id, { calls: Number(row.calls), query: row.query }]));
  };
  return {
    async perRequest(requests, send) {
      const before = await snapshot();
      for (let i = 0; i < requests; i++) await send(i);
      const after = await snapshot();
      let total = 0;
      for (const [id, { calls, query }] of after) {
        const delta = calls - (before.get(id)?.calls ?? 0);
        if (delta <= 0) continue;
        if (delta >= requests / 2) total += delta;
        else process.stderr.write(`bench: not counted as the requests' (ran ${delta}× during ${requests} requests): ${query.replace(/\s+/g, ' ')}\n`);
      }
      return total / requests;
    },
    close: () => client.end(),
  };
}
