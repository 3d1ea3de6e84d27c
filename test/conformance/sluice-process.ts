/**
 * Runs Sluice as a child process (`node bin/sluice.mjs serve`) the way the upstream suite runs
 * graphql-engine: stringified numeric types, no admin secret, and the test's own environment.
 * Output goes to a log file whose path is printed whenever something goes wrong.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './free-port.js';

export const HEALTH_TIMEOUT_MS = 30_000;

export interface SluiceServer {
  readonly baseUrl: string;
  readonly logPath: string;
  /** Whether the process is still running. */
  alive(): boolean;
  stop(): Promise<void>;
}

export interface SluiceOptions {
  readonly repoRoot: string;
  readonly databaseUrl: string;
  readonly env: Readonly<Record<string, string>>;
  readonly logDir: string;
  /** Distinguishes log files of several servers in one run. */
  readonly label: string;
}

/** The server environment every test gets; the manifest `env` of a test goes on top. */
export function serverEnvironment(databaseUrl: string, port: number, testEnv: Readonly<Record<string, string>>): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    PORT: String(port),
    SLUICE_AUTO_TRACK: 'false',
    HASURA_GRAPHQL_STRINGIFY_NUMERIC_TYPES: 'true',
    SLUICE_LOG_LEVEL: 'warn',
    // Upstream CI: a header value read from the environment, and the event webhook template.
    EVENT_WEBHOOK_HEADER: 'MyEnvValue',
    EVENT_WEBHOOK_HANDLER: 'http://127.0.0.1:5592',
    ...testEnv,
  };
}

async function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return true;
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/**
 * Starts Sluice and resolves once `GET /healthz` answers 200. Rejects, with the log path in the
 * message, if the process exits first or is not healthy within 30 seconds.
 */
export async function startSluice(options: SluiceOptions): Promise<SluiceServer> {
  const port = await freePort();
  const logPath = join(options.logDir, `sluice-${options.label}.log`);
  const log = createWriteStream(logPath, { flags: 'a' });
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    // The caller's gateway settings (an admin secret, say) must not leak into the test server.
    if (v !== undefined && !/^(HASURA_GRAPHQL_|SLUICE_)/.test(k) && k !== 'TEST_DATABASE_URL') env[k] = v;
  }
  Object.assign(env, serverEnvironment(options.databaseUrl, port, options.env));
  // SLUICE_CONFORMANCE_ENTRY runs another build (or a stub, to test this runner) instead.
  const entry = process.env.SLUICE_CONFORMANCE_ENTRY ?? join(options.repoRoot, 'bin', 'sluice.mjs');
  const child = spawn(process.execPath, [entry, 'serve'], {
    cwd: options.repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  let exitInfo: string | undefined;
  child.on('exit', (code, signal) => {
    exitInfo = signal ? `signal ${signal}` : `code ${code}`;
  });
  child.on('error', (error) => {
    exitInfo = `spawn error ${error.message}`;
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  const server: SluiceServer = {
    baseUrl,
    logPath,
    alive: () => exitInfo === undefined,
    async stop() {
      if (exitInfo === undefined) {
        child.kill('SIGTERM');
        if (!(await waitForExit(child, 5_000))) {
          child.kill('SIGKILL');
          await waitForExit(child, 2_000);
        }
      }
      log.end();
    },
  };

  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (exitInfo !== undefined) {
      await server.stop();
      throw new Error(`Sluice exited (${exitInfo}) before becoming healthy; log at ${logPath}`);
    }
    try {
      const response = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(2_000) });
      await response.arrayBuffer();
      if (response.status === 200) return server;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  await server.stop();
  throw new Error(`Sluice did not become healthy in ${HEALTH_TIMEOUT_MS / 1000} s; log at ${logPath}`);
}
