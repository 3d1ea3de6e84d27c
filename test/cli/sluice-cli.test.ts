import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findFreePort } from '../../gateway/database/index.js';

const bin = fileURLToPath(new URL('../../bin/sluice.mjs', import.meta.url));

interface Outcome {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the real launcher from an unrelated cwd with only the given variables set. */
function sluice(args: string[], env: Record<string, string> = {}): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { cwd: tmpdir(), env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env }, timeout: 30_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describe('the sluice command', () => {
  it('prints one line naming the bad variable and exits 1', async () => {
    const result = await sluice(['serve'], { DATABASE_URL: 'postgres://app:hunter2@127.0.0.1:1/db', SLUICE_POOL_MAX: 'abc' });
    expect(result).toEqual({ code: 1, stdout: '', stderr: 'SLUICE_POOL_MAX must be a positive integer, got "abc"\n' });
  });

  it('refuses to serve without a database URL', async () => {
    const result = await sluice(['serve']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^DATABASE_URL is required by `sluice serve`[^\n]*\n$/);
  });

  it('does not echo the password of a rejected database URL', async () => {
    const result = await sluice(['serve'], { HASURA_GRAPHQL_DATABASE_URL: 'mysql://app:hunter2@db/app' });
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: 'HASURA_GRAPHQL_DATABASE_URL must be a postgres:// or postgresql:// URL, got "mysql://app:***@db/app"\n',
    });
  });

  it('rejects an unknown command', async () => {
    const result = await sluice(['launch']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('unknown command "launch": expected start, serve, conformance or help\n');
  });

  it('prints help and exits 0', async () => {
    const result = await sluice(['help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: sluice <command>');
  });

  it('exits 1 with a logged reason, without the password, when the database is unreachable', async () => {
    const port = await findFreePort();
    const result = await sluice(['serve'], { DATABASE_URL: `postgres://app:hunter2@127.0.0.1:${port}/db` });
    expect(result.code).toBe(1);
    expect(result.stdout).not.toContain('hunter2');
    const lines = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.at(-1)).toMatchObject({ level: 60, msg: 'Sluice could not start', err: { code: 'ECONNREFUSED' } });
  });
});
