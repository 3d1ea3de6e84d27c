/** The lines every benchmark report starts with: when, which commit, on what machine. */
import { execFileSync } from 'node:child_process';
import { cpus, loadavg, platform, release, totalmem } from 'node:os';

export interface Machine {
  readonly date: string;
  readonly commit: string;
  readonly node: string;
  readonly os: string;
  readonly cpus: string;
  readonly memory: string;
  /** 1-minute load average before and after: other processes on a shared host show here. */
  readonly load: string;
}

/** The short commit hash, marked when gateway/ or schema/ have uncommitted changes. */
function commit(): string {
  try {
    const options = { encoding: 'utf8' as const, stdio: ['ignore', 'pipe', 'ignore'] as ('ignore' | 'pipe')[] };
    const hash = execFileSync('git', ['rev-parse', '--short', 'HEAD'], options).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'gateway', 'schema'], options).trim() !== '';
    return dirty ? `${hash} (gateway/ or schema/ modified)` : hash;
  } catch {
    return 'unknown';
  }
}

export function describeMachine(loadAtStart: number): Machine {
  const cpuList = cpus();
  return {
    date: new Date().toISOString(),
    commit: commit(),
    node: process.version,
    os: `${platform()} ${release()}`,
    cpus: `${cpuList.length} × ${cpuList[0]?.model.trim() ?? 'unknown CPU'}`,
    memory: `${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM`,
    load: `${loadAtStart.toFixed(2)} at start, ${loadavg()[0]!.toFixed(2)} at end, on ${cpuList.length} CPUs`,
  };
}

/** The 1-minute load average now, to pass to `describeMachine` at the end. */
export function loadNow(): number {
  return loadavg()[0]!;
}
