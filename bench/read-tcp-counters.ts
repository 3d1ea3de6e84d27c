/**
 * The kernel's count of connections it could not queue for accept() (TcpExt ListenOverflows and
 * ListenDrops in /proc/net/netstat, for the whole network namespace). When a burst of new
 * connections outruns a server's listen backlog, the SYNs are dropped and the client retries after
 * 1 s, 3 s, 7 s …: a latency tail that no server-side timer shows.
 */
import { readFileSync } from 'node:fs';

export interface TcpCounters {
  readonly listenOverflows: number;
  readonly listenDrops: number;
}

/** The counters now, or null where /proc/net/netstat does not exist. */
export function readTcpCounters(): TcpCounters | null {
  try {
    const lines = readFileSync('/proc/net/netstat', 'utf8').split('\n');
    const header = lines.findIndex((line) => line.startsWith('TcpExt:'));
    const names = lines[header]!.split(/\s+/);
    const values = lines[header + 1]!.split(/\s+/);
    const value = (name: string): number => Number(values[names.indexOf(name)] ?? NaN);
    const counters = { listenOverflows: value('ListenOverflows'), listenDrops: value('ListenDrops') };
    return Number.isFinite(counters.listenOverflows) && Number.isFinite(counters.listenDrops) ? counters : null;
  } catch {
    return null;
  }
}

/** What rose between two readings (null when either is unknown). */
export function tcpCountersSince(before: TcpCounters | null, after: TcpCounters | null): TcpCounters | null {
  if (!before || !after) return null;
  return { listenOverflows: after.listenOverflows - before.listenOverflows, listenDrops: after.listenDrops - before.listenDrops };
}
