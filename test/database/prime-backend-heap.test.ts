import { readFileSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../gateway/config/index.js';
import { createPool, primeBackendHeapSql, queryRowBytes } from '../../gateway/database/index.js';
import { createLogger } from '../../gateway/logging/index.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

// About 200 kB of JSON built in one value: more than glibc's first trim threshold (128 kB).
const largeAnswer = `SELECT json_agg(json_build_object('i', i, 'name', 'track number ' || i)) AS a FROM generate_series(1, 5000) AS i`;

/** The backend's minor page faults so far, or null when it is not a Postgres process on this machine. */
function minorFaults(pid: number): number | null {
  try {
    if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'postgres') return null;
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[7]);
  } catch {
    return null;
  }
}

/** Minor page faults a run of `largeAnswer` costs the backend of a pool made with `env`. */
async function faultsPerRun(url: string, env: NodeJS.ProcessEnv): Promise<number | null> {
  const pool = createPool(loadConfig({ DATABASE_URL: url, SLUICE_POOL_MAX: '1', ...env }), createLogger('silent'));
  const client: pg.PoolClient = await pool.connect();
  try {
    const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    // Warm up first: the plan, the catalog caches and glibc's own first adjustment.
    for (let i = 0; i < 10; i++) await client.query({ name: 'large', text: largeAnswer });
    const before = minorFaults(pid);
    const runs = 40;
    for (let i = 0; i < runs; i++) await client.query({ name: 'large', text: largeAnswer });
    const after = minorFaults(pid);
    return before === null || after === null ? null : (after - before) / runs;
  } finally {
    client.release();
    await pool.end();
  }
}

describe("priming each pool connection's backend heap (SLUICE_POOL_HEAP_PRIME_KB)", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  it("is a new connection's first statement, and the connection then answers as usual", async () => {
    const pool = createPool(loadConfig({ DATABASE_URL: db.url, SLUICE_POOL_MAX: '1' }), createLogger('silent'));
    const observer = new pg.Client({ connectionString: db.url });
    await observer.connect();
    const client = await pool.connect();
    try {
      // Nothing asked of the client yet: what its backend ran so far is the pool's doing.
      const pid = (client as unknown as { processID: number }).processID;
      let last: { query: string; state: string } | undefined;
      // Until it has run something: the first poll may come before the prime reaches the backend.
      for (let tries = 0; tries < 100 && (last?.state !== 'idle' || last.query === ''); tries++) {
        if (tries > 0) await new Promise((resolve) => setTimeout(resolve, 20));
        last = (await observer.query<{ query: string; state: string }>('SELECT query, state FROM pg_stat_activity WHERE pid = $1', [pid])).rows[0];
      }
      expect(last).toEqual({ query: primeBackendHeapSql, state: 'idle' });
      const row = await queryRowBytes(client, 'prime_then_read', `SELECT '{"a": 1}'::json AS a`, []);
      expect(row.map((value) => value?.toString())).toEqual(['{"a": 1}']);
    } finally {
      client.release();
      await observer.end();
      await pool.end();
    }
  });

  it('stops a large answer from faulting in fresh pages on every run where the server uses glibc', async (context) => {
    const unprimed = await faultsPerRun(db.url, { SLUICE_POOL_HEAP_PRIME_KB: '0' });
    // Only measurable for a Postgres on this machine, and only meaningful where its allocator
    // gives freed memory back after each statement (glibc with its default thresholds).
    if (unprimed === null || unprimed < 5) {
      context.skip();
      return;
    }
    const primed = await faultsPerRun(db.url, {});
    expect(primed).not.toBeNull();
    expect(primed!).toBeLessThan(unprimed / 5);
  });
});
