/**
 * Resident set size, sampled until stopped: of this process (Sluice runs in it) or of another one
 * by pid (PostGraphile's child process, read from /proc; 0 where /proc does not exist).
 */
import { readFileSync } from 'node:fs';

/** Resident set size of `pid` in bytes, or 0 when it cannot be read. */
export function rssOf(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Samples the RSS of `pid` (default: this process) and returns the peak in bytes on `stop`. */
export function sampleRss(pid?: number, intervalMs = 50): { stop(): number } {
  const read = pid === undefined ? () => process.memoryUsage.rss() : () => rssOf(pid);
  let peak = read();
  const timer = setInterval(() => {
    peak = Math.max(peak, read());
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, read());
    },
  };
}
