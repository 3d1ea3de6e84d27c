/**
 * How many connections Postgres has, sampled from pg_stat_activity every few milliseconds on a
 * connection of its own (not counted), until stopped. The burst benchmark uses the highest count
 * to show that Sluice never lets Postgres see more than its pool.
 */
import pg from 'pg';

export interface ConnectionPeak {
  /** Most client connections seen at once (every application, this sampler excluded). */
  readonly total: number;
  /**
   * Most connections seen at once per application_name (`sluice` is Sluice's pool,
   * `sluice-reload` its metadata listener, `sluice-events` its event worker).
   */
  readonly byApplication: Readonly<Record<string, number>>;
  readonly samples: number;
}

const countSql = `
  SELECT application_name AS name, count(*)::int AS n
  FROM pg_stat_activity
  WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()
  GROUP BY application_name`;

async function count(client: pg.Client): Promise<{ total: number; byApplication: Map<string, number> }> {
  const rows = (await client.query<{ name: string; n: number }>(countSql)).rows;
  return { total: rows.reduce((sum, row) => sum + row.n, 0), byApplication: new Map(rows.map((row) => [row.name, row.n])) };
}

export async function sampleConnections(url: string, intervalMs = 20): Promise<{ stop(): Promise<ConnectionPeak> }> {
  const client = new pg.Client({ connectionString: url, application_name: 'sluice-bench-sampler' });
  client.on('error', () => undefined);
  await client.connect();
  let total = 0;
  const byApplication: Record<string, number> = {};
  let samples = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      // A failed sample (Postgres going away while the burst is abandoned) ends the sampling
      // with what was seen so far, rather than becoming an unhandled rejection.
      const now = await count(client).catch(() => undefined);
      if (!now) break;
      total = Math.max(total, now.total);
      for (const [name, n] of now.byApplication) byApplication[name] = Math.max(byApplication[name] ?? 0, n);
      samples++;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      await client.end().catch(() => undefined);
      return { total, byApplication, samples };
    },
  };
}

/** Waits (at most `timeoutMs`) until Postgres has no client connections; returns how many are left. */
export async function waitForConnectionsToClose(url: string, timeoutMs: number): Promise<number> {
  const client = new pg.Client({ connectionString: url, application_name: 'sluice-bench-sampler' });
  await client.connect();
  try {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const left = (await count(client)).total;
      if (left === 0 || Date.now() > until) return left;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await client.end();
  }
}
