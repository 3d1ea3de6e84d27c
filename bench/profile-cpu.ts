/**
 * With BENCH_CPU_PROFILE=1 the benchmark profiles this process (Sluice runs in it) during each of
 * Sluice's load runs: the V8 profile goes to bench/results/tmp/ (gitignored; open it in Chrome's
 * DevTools), and the functions and code areas with the most self time are printed. The profiler
 * costs some throughput: figures from a profiled run are not for comparison.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly hitCount?: number;
}

interface Profile {
  readonly nodes: readonly ProfileNode[];
}

export interface CpuProfileSummary {
  /** Where the .cpuprofile was written. */
  readonly path: string;
  /** Top functions by self time, as Markdown table rows. */
  readonly lines: readonly string[];
}

const tmpDir = fileURLToPath(new URL('./results/tmp/', import.meta.url));
const projectRoot = fileURLToPath(new URL('../', import.meta.url));

/** A code area: a package under node_modules, a project folder two levels deep, or Node itself. */
function areaOf(url: string): string {
  if (url === '') return '(V8 / native)';
  if (url.startsWith('node:')) return 'node internals';
  const path = url.replace(/^file:\/\//, '');
  const inModules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (inModules) return inModules[1]!;
  if (path.startsWith(projectRoot)) return path.slice(projectRoot.length).split('/').slice(0, 2).join('/');
  return path;
}

const isIdle = (node: ProfileNode): boolean => node.callFrame.functionName === '(idle)';

/** Shares of busy time (samples while idle are left out, and their share given on its own). */
function summarise(profile: Profile): string[] {
  const all = profile.nodes.reduce((sum, node) => sum + (node.hitCount ?? 0), 0) || 1;
  const idle = profile.nodes.filter(isIdle).reduce((sum, node) => sum + (node.hitCount ?? 0), 0);
  const total = all - idle || 1;
  const byFunction = new Map<string, number>();
  const byArea = new Map<string, number>();
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    if (hits === 0 || isIdle(node)) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url ? `${url.replace(/^file:\/\//, '').replace(projectRoot, '')}:${lineNumber + 1}` : '';
    const key = `${functionName || '(anonymous)'} ${where}`.trim();
    byFunction.set(key, (byFunction.get(key) ?? 0) + hits);
    const area = areaOf(url);
    byArea.set(area, (byArea.get(area) ?? 0) + hits);
  }
  const top = (map: Map<string, number>, n: number): string[] =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, hits]) => `| ${((100 * hits) / total).toFixed(1)} % | \`${name}\` |`);
  return [
    `Idle ${((100 * idle) / all).toFixed(1)} % of the samples; shares below are of the busy ones.`,
    '',
    '| self | code area |',
    '| ---: | --- |',
    ...top(byArea, 12),
    '',
    '| self | function |',
    '| ---: | --- |',
    ...top(byFunction, 20),
  ];
}

/** Starts profiling this process; `stop` writes the profile under `name` and summarises it. */
export async function startCpuProfile(): Promise<{ stop(name: string): Promise<CpuProfileSummary> }> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  return {
    async stop(name) {
      const { profile } = (await session.post('Profiler.stop')) as { profile: Profile };
      session.disconnect();
      await mkdir(tmpDir, { recursive: true });
      const path = `${tmpDir}${name}.cpuprofile`;
      await writeFile(path, JSON.stringify(profile));
      return { path, lines: summarise(profile) };
    },
  };
}
