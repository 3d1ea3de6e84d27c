import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import { GatewayError } from '../errors/index.js';
import { databaseUnavailableError, isPoolTimeout, poolTimeoutError, queueFullError, roleLimitError } from './overload-errors.js';
import { WaiterQueue, type Linked } from './waiter-queue.js';

export interface AdmissionOptions {
  /** The one pool; admission never opens connections of its own. */
  readonly pool: pg.Pool;
  /** The pool's `max` (pg does not expose it typed). */
  readonly poolMax: number;
  /** `SLUICE_POOL_TIMEOUT_MS`: the whole wait of a request, for its role's slot and then a connection. */
  readonly timeoutMs: number;
  /** `SLUICE_POOL_QUEUE_MAX`: requests that may wait at once (for a slot or a connection). */
  readonly queueMax: number;
  /** `SLUICE_ROLE_CONCURRENCY`: requests of a role that may hold (or wait in pg for) a connection at once. */
  readonly roleLimits?: ReadonlyMap<string, number> | undefined;
  /** `SLUICE_ROLE_CONCURRENCY_DEFAULT`: the limit of roles not listed; undefined means unlimited. */
  readonly defaultRoleLimit?: number | undefined;
  /**
   * `SLUICE_POOL_SHARED_READS`: how many cheap reads may share one connection (`connectRead`);
   * 1 gives every read a connection of its own.
   */
  readonly sharedReads?: number | undefined;
}

/** One role's load, for `/metrics`. */
export interface RoleLoad {
  readonly role: string;
  /** Requests admitted and not yet finished (holding or about to hold a connection). */
  readonly inFlight: number;
  /** Requests waiting for a slot under the role's limit. */
  readonly waiting: number;
}

export interface AdmissionCounters {
  /** Requests waiting in pg's queue now (they asked while every connection was busy). */
  readonly poolWaiting: number;
  /** Requests that got a 503 because their wait reached `SLUICE_POOL_TIMEOUT_MS`. */
  readonly timeouts: number;
  /** Requests turned away at once because `SLUICE_POOL_QUEUE_MAX` requests were already waiting. */
  readonly queueRejections: number;
  /** Requests waiting for a slot of their role now. */
  readonly roleWaiting: number;
}

/**
 * The gate in front of the pool that every request's SQL passes through. A request first takes a
 * slot of its role (per-role concurrency, so one service cannot hold the whole pool), then a
 * connection; both waits together are bounded by the pool timeout, and the number of requests
 * waiting is bounded by the queue limit. Either bound answers `503` with `Retry-After`.
 */
export interface Admission {
  /** A pool client for a request of `role`; give it back with `release`. Rejects with a 503 GatewayError. */
  connect(role: string): Promise<pg.PoolClient>;
  /**
   * A pool client for one read statement of `role` that is expected to take Postgres `expectedMs`
   * (about the 90th percentile of its runs; Infinity when unknown), given back with `release` like
   * `connect`'s. Cheap reads that ask in the same turn of the event loop, or while the first of
   * them waits for a busy pool, share one connection: their statements go out together,
   * pipelined, and Postgres runs them one after another, so a batch holds reads worth at most
   * `sharedReadBudgetMs` in all and at most `sharedReads` of them. Any other read gets a
   * connection of its own. Each read holds its role's slot and counts as waiting, as with `connect`.
   */
  connectRead(role: string, expectedMs: number): Promise<pg.PoolClient>;
  /** Returns a client from `connect` (`destroy`: the connection is in an unknown state). */
  release(role: string, client: pg.PoolClient, destroy?: boolean): void;
  /**
   * Runs `task` holding a slot of `role`, for work that takes its own connections from the pool
   * (the admin APIs); a pool timeout inside it becomes the same 503.
   */
  admit<T>(role: string, task: () => Promise<T>): Promise<T>;
  counters(): AdmissionCounters;
  roles(): Iterable<RoleLoad>;
  /** Whether a request had to wait for a pool connection since the previous call (the saturation watch). */
  takeWaitedForPool(): boolean;
}

interface Waiter extends Linked<Waiter> {
  readonly started: number;
  resolve: (remainingMs: number) => void;
  timer: NodeJS.Timeout | undefined;
}

class RoleState {
  inFlight = 0;
  readonly queue = new WaiterQueue<Waiter>();

  constructor(
    readonly role: string,
    readonly limit: number,
  ) {}
}

/**
 * How much expected work of other reads a shared connection may put in front of a read: sharing
 * saves each read a system call on both sides (the bulk of a cheap read's cost to Sluice) and
 * costs it the wait for the reads ahead of it in the pipeline.
 */
export const sharedReadBudgetMs = 1;

/** Reads waiting together for one connection, which they will share. */
interface ReadBatch {
  members: number;
  /** The members' expected milliseconds, summed. */
  expectedMs: number;
  /** When the batch's wait ends (its first read's deadline): a read with less time left waits alone. */
  readonly deadline: number;
  /** Whether every connection was busy when it opened: then its members count as waiting for the pool. */
  readonly waitsForPool: boolean;
  client: Promise<pg.PoolClient> | undefined;
}

/** A connection handed to a batch: released to the pool when its last read is done. */
interface SharedUse {
  users: number;
  destroy: boolean;
}

/** Idle roles beyond this many are forgotten (roles come from requests; their number is not ours to bound). */
const maxIdleRoles = 1000;

export function createAdmission(options: AdmissionOptions): Admission {
  const { pool, poolMax, timeoutMs, queueMax } = options;
  const roles = new Map<string, RoleState>();
  let roleWaiting = 0;
  /**
   * Requests in pg's queue: they asked when every connection was busy. (pg's own `waitingCount`
   * also counts, for a moment, requests about to get an idle connection on the next tick, so a
   * burst would look like a queue.)
   */
  let poolWaiting = 0;
  let timeouts = 0;
  let queueRejections = 0;
  let waitedForPool = false;
  const sharedReads = Math.max(1, options.sharedReads ?? 1);
  /** The batch cheap reads join; closed once it has its connection and its turn has ended. */
  let openBatch: ReadBatch | undefined;
  const shared = new Map<pg.PoolClient, SharedUse>();

  function stateOf(role: string): RoleState {
    let state = roles.get(role);
    if (!state) {
      state = new RoleState(role, options.roleLimits?.get(role) ?? options.defaultRoleLimit ?? Number.POSITIVE_INFINITY);
      roles.set(role, state);
    }
    return state;
  }

  /**
   * Takes a slot of the role: at once when it is under its limit (the common case: a counter, no
   * promise), otherwise in the role's FIFO. Gives the milliseconds left of the request's wait.
   */
  function enter(state: RoleState): number | Promise<number> {
    if (roleWaiting + poolWaiting >= queueMax) {
      queueRejections++;
      throw queueFullError(timeoutMs);
    }
    if (state.inFlight < state.limit) {
      state.inFlight++;
      return timeoutMs;
    }
    return new Promise<number>((resolve, reject) => {
      const waiter: Waiter = { prev: undefined, next: undefined, started: performance.now(), resolve, timer: undefined };
      waiter.timer = setTimeout(() => {
        state.queue.remove(waiter);
        roleWaiting--;
        timeouts++;
        reject(roleLimitError(state.role, timeoutMs));
      }, timeoutMs);
      state.queue.push(waiter);
      roleWaiting++;
    });
  }

  /** Gives the slot to the role's next waiter, or frees it. */
  function leave(state: RoleState): void {
    const next = state.queue.shift();
    if (next) {
      roleWaiting--;
      clearTimeout(next.timer);
      next.resolve(timeoutMs - (performance.now() - next.started));
      return;
    }
    state.inFlight--;
    if (state.inFlight === 0 && roles.size > maxIdleRoles) roles.delete(state.role);
  }

  function connectError(error: unknown): GatewayError {
    if (isPoolTimeout(error)) {
      timeouts++;
      return poolTimeoutError(timeoutMs);
    }
    return databaseUnavailableError(error, timeoutMs);
  }

  /**
   * A connection from pg's own FIFO. pg times the wait out after the full pool timeout; a request
   * that already spent part of it waiting for its role gets only the rest, and a connection that
   * arrives after that is handed straight back.
   */
  async function connectPool(remainingMs: number): Promise<pg.PoolClient> {
    if (!poolBusy()) return connectWithin(remainingMs);
    waitedForPool = true;
    poolWaiting++;
    try {
      return await connectWithin(remainingMs);
    } finally {
      poolWaiting--;
    }
  }

  function poolBusy(): boolean {
    return pool.idleCount === 0 && pool.totalCount >= poolMax;
  }

  /**
   * Joins the open batch, or opens one and asks pg for its connection. A batch stays open until
   * it has its connection and the event loop has finished the turn it was opened in, so reads
   * arriving together (one poll of the sockets) or while the pool is busy go out together. When
   * the pool was busy, every member counts as a request waiting for it; a timeout answers and
   * counts each of them.
   */
  function joinBatch(remainingMs: number, expectedMs: number): Promise<pg.PoolClient> {
    const deadline = performance.now() + remainingMs;
    const open = openBatch;
    if (open?.client && open.members < sharedReads && open.expectedMs + expectedMs <= sharedReadBudgetMs && deadline >= open.deadline) {
      open.members++;
      open.expectedMs += expectedMs;
      if (open.waitsForPool) poolWaiting++;
      return open.client;
    }
    const waitsForPool = poolBusy();
    if (waitsForPool) {
      waitedForPool = true;
      poolWaiting++;
    }
    const batch: ReadBatch = { members: 1, expectedMs, deadline, waitsForPool, client: undefined };
    openBatch = batch;
    const turnEnd = new Promise<void>((resolve) => setImmediate(resolve));
    batch.client = Promise.all([connectWithin(remainingMs), turnEnd]).then(
      ([client]) => {
        close(batch);
        if (batch.members > 1) shared.set(client, { users: batch.members, destroy: false });
        return client;
      },
      (error: unknown) => {
        close(batch);
        if (error instanceof GatewayError && error.code === 'postgres-max-connections-error') timeouts += batch.members - 1;
        throw error;
      },
    );
    return batch.client;
  }

  function close(batch: ReadBatch): void {
    if (openBatch === batch) openBatch = undefined;
    if (batch.waitsForPool) poolWaiting -= batch.members;
  }

  async function connectWithin(remainingMs: number): Promise<pg.PoolClient> {
    if (remainingMs >= timeoutMs) {
      try {
        return await pool.connect();
      } catch (error) {
        throw connectError(error);
      }
    }
    if (remainingMs <= 0) {
      timeouts++;
      throw poolTimeoutError(timeoutMs);
    }
    const pending = pool.connect();
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<'expired'>((resolve) => {
      timer = setTimeout(() => resolve('expired'), remainingMs);
    });
    try {
      const winner = await Promise.race([pending, expired]);
      if (winner !== 'expired') return winner;
    } catch (error) {
      throw connectError(error);
    } finally {
      clearTimeout(timer);
    }
    pending.then((client) => client.release(), () => undefined);
    timeouts++;
    throw poolTimeoutError(timeoutMs);
  }

  return {
    async connect(role) {
      const state = stateOf(role);
      const entered = enter(state);
      const remaining = typeof entered === 'number' ? entered : await entered;
      try {
        return await connectPool(remaining);
      } catch (error) {
        leave(state);
        throw error;
      }
    },
    async connectRead(role, expectedMs) {
      const state = stateOf(role);
      const entered = enter(state);
      const remaining = typeof entered === 'number' ? entered : await entered;
      try {
        const shares = sharedReads > 1 && expectedMs <= sharedReadBudgetMs / 2;
        return shares ? await joinBatch(remaining, expectedMs) : await connectPool(remaining);
      } catch (error) {
        leave(state);
        throw error;
      }
    },
    release(role, client, destroy = false) {
      const use = shared.get(client);
      if (use === undefined) client.release(destroy);
      else if (--use.users > 0) use.destroy ||= destroy;
      else {
        shared.delete(client);
        client.release(destroy || use.destroy);
      }
      const state = roles.get(role);
      if (state) leave(state);
    },
    async admit(role, task) {
      const state = stateOf(role);
      const entered = enter(state);
      if (typeof entered !== 'number') await entered;
      try {
        return await task();
      } catch (error) {
        throw isPoolTimeout(error) ? connectError(error) : error;
      } finally {
        leave(state);
      }
    },
    counters: () => ({ poolWaiting, timeouts, queueRejections, roleWaiting }),
    *roles() {
      for (const state of roles.values()) yield { role: state.role, inFlight: state.inFlight, waiting: state.queue.size };
    },
    takeWaitedForPool() {
      const waited = waitedForPool || pool.waitingCount > 0;
      waitedForPool = false;
      return waited;
    },
  };
}
