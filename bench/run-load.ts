/**
 * Runs one `LoadJob` in a fresh child process (`load-worker.ts` under tsx) and returns its result.
 * The child is killed if it has not answered within the job's own length plus a margin, so a hung
 * run cannot hold the benchmark open.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { LoadJob, LoadResult } from './load-job.js';

const workerPath = fileURLToPath(new URL('./load-worker.ts', import.meta.url));
/** Worker start-up (tsx), connection set-up, and draining the last in-flight requests. */
const marginMs = 30_000;

type WorkerMessage = { result: LoadResult } | { error: string };

export function runLoad(job: LoadJob): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = fork(workerPath, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let settled = false;
    const finish = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      outcome();
    };
    const limitMs = job.warmupMs + job.durationMs + job.requestTimeoutMs + marginMs;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish(() => reject(new Error(`load worker gave no result within ${limitMs} ms; killed it`)));
    }, limitMs);
    child.once('message', (message: WorkerMessage) => {
      finish(() => ('result' in message ? resolve(message.result) : reject(new Error(`load worker failed: ${message.error}`))));
    });
    child.once('error', (error) => finish(() => reject(error)));
    child.once('exit', (code, signal) => finish(() => reject(new Error(`load worker exited (${signal ?? code}) without a result`))));
    child.send(job);
  });
}
