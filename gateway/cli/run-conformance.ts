import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './repo-root.js';

/**
 * `sluice conformance [args]`: runs test/conformance/run-conformance.ts as its own process (it is
 * a script, with its own exit code) and resolves with that exit code. Only in a development
 * checkout: the test suite is not part of what users deploy.
 */
export async function runConformance(args: readonly string[]): Promise<number> {
  const root = repoRoot();
  const runner = join(root, 'test', 'conformance', 'run-conformance.ts');
  if (!existsSync(runner)) {
    process.stderr.write(`the conformance runner is missing: expected ${runner}\n`);
    return 1;
  }
  const child = spawn(process.execPath, ['--import', 'tsx', runner, ...args], { cwd: root, stdio: 'inherit' });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}
