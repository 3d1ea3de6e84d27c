import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import type { SluiceFunction } from './function-types.js';

/** How long an instance stays warm: idle time and invocations, whichever ends first. */
export interface WarmPolicy {
  readonly idleMs: number;
  readonly maxInvocations: number;
}

export interface AcquiredInstance {
  readonly handler: SluiceFunction<unknown>;
  /** 1 for the first instance of this function, 2 after the next cold start, … */
  readonly instance: number;
  /** True for the invocation that started this instance. */
  readonly cold: boolean;
}

export interface FunctionInstances {
  acquire(): Promise<AcquiredInstance>;
}

interface Instance {
  readonly number: number;
  readonly handler: Promise<SluiceFunction<unknown>>;
  invocations: number;
  lastUsed: number;
}

/**
 * Imports the module afresh: a query string unique to this start makes a new entry in the ESM
 * loader's cache, so the module's top-level code runs again and its module-level variables start
 * over — what a serverless platform's cold start does. (Modules it imports stay cached, and Node
 * never evicts old entries: fine for a local runner, not a reason to keep state there.)
 */
async function loadFunction(modulePath: string): Promise<SluiceFunction<unknown>> {
  const url = pathToFileURL(modulePath);
  url.searchParams.set('instance', randomUUID());
  const module = (await import(url.href)) as { default?: unknown };
  if (typeof module.default !== 'function') throw new Error(`${modulePath} has no default export function`);
  return module.default as SluiceFunction<unknown>;
}

/**
 * One function's instances: the current warm one, replaced by a cold start when it has been idle
 * for `idleMs` or has served `maxInvocations`. Checked on each call, so there are no timers. A
 * module that fails to load is retried on the next call.
 */
export function createFunctionInstances(modulePath: string, policy: WarmPolicy): FunctionInstances {
  let current: Instance | undefined;
  let starts = 0;
  return {
    async acquire() {
      const now = Date.now();
      let cold = false;
      if (current === undefined || current.invocations >= policy.maxInvocations || now - current.lastUsed > policy.idleMs) {
        starts += 1;
        current = { number: starts, handler: loadFunction(modulePath), invocations: 0, lastUsed: now };
        cold = true;
      }
      const instance = current;
      instance.invocations += 1;
      instance.lastUsed = now;
      try {
        return { handler: await instance.handler, instance: instance.number, cold };
      } catch (error) {
        if (current === instance) current = undefined;
        throw error;
      }
    },
  };
}
