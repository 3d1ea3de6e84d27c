/**
 * Knowing at once that an instance holding event locks is gone.
 *
 * A claimed event carries `locked_by = <instance id>`. Hasura's only way to tell a crashed
 * worker's lock from a busy one is its age (30 minutes), far too long after a restart. Sluice ties
 * each instance's locks to a Postgres session instead:
 *
 * - **Lease.** On its LISTEN connection (one dedicated session, see listen-for-events.ts) the
 *   worker takes the session-level advisory lock `(leaseNamespace, key)` with a random key and
 *   registers `(instance id, key)` in `sluice.event_workers`. Postgres holds that lock exactly as
 *   long as the session lives: a killed process, a crashed host whose connection is reset, or a
 *   session terminated by an admin all free it, with no timer involved.
 * - **Reclaim.** Any instance may run `reclaimDeadWorkers`: for each other registered instance it
 *   tries `pg_try_advisory_xact_lock(leaseNamespace, key)`. Success means no session holds the
 *   lease, so the instance is gone: its registration is deleted and its pending events unlocked
 *   for anyone to claim, in one statement. Failure means the lease is held — the instance is
 *   alive, and its in-flight attempts are never touched. (The xact lock is released at commit;
 *   two instances reclaiming at once cannot both win the same key.)
 * - **Losing the lease while alive.** If the LISTEN session drops (network blip, failover) the
 *   lease is free although the process runs on. Until its registration is withdrawn (deleted
 *   through the pool) the worker claims nothing new, so only attempts already in flight can be
 *   released by another instance in that window — and then they are made twice, which
 *   at-least-once delivery allows (webhooks de-duplicate by `Idempotency-Key`). Recording an
 *   outcome only touches an event still locked by this instance (record-attempt.ts), so a late
 *   outcome never overwrites the new owner's. Without a lease (registration withdrawn, or
 *   `listen: false` behind a transaction pooler where session locks mean nothing) the worker
 *   keeps delivering; its locks then expire only by `lockTimeoutSec`, as in Hasura.
 *
 * A key another live instance already holds (random 32-bit keys rarely collide) is simply
 * replaced by a new random key. Keys are never derived from instance ids, so a dead instance's
 * key can only be reused by a live one after the dead one's session ended.
 */
import { randomInt } from 'node:crypto';
import type pg from 'pg';
import { inWriteTransaction } from '../in-write-transaction.js';

/** The advisory lock namespace of leases ("SLEV" in ASCII); keys are random int4s within it. */
export const leaseNamespace = 1397507414;

const randomKey = () => randomInt(-2_147_483_648, 2_147_483_647);

export interface WorkerLease {
  /** Whether the lease is held right now. */
  held(): boolean;
  /**
   * Takes the lease on `session` (the LISTEN connection) and registers it, if not held yet.
   * Called on every (re)connect and heartbeat, so a lease lost to a half-open old session is
   * taken again once possible.
   */
  ensure(session: pg.ClientBase): Promise<void>;
  /** The session holding the lease ended: withdraws the registration through the pool. */
  lost(): void;
  /** Resolves when claiming is safe: no registration left without its lease. */
  ready(): Promise<void>;
  /** Stop: withdraws the registration (the lock itself goes with the session). */
  release(): Promise<void>;
}

export function createWorkerLease(pool: pg.Pool, instanceId: string): WorkerLease {
  let key = randomKey();
  let isHeld = false;
  /** A registration whose lease is gone and that is not yet deleted. */
  let dangling = false;
  let withdrawing: Promise<void> | undefined;

  const withdraw = (): Promise<void> => {
    withdrawing ??= inWriteTransaction(pool, (client) => client.query('DELETE FROM sluice.event_workers WHERE instance_id = $1', [instanceId]))
      .then(() => {
        dangling = false;
      })
      .finally(() => (withdrawing = undefined));
    return withdrawing;
  };

  return {
    held: () => isHeld,
    async ensure(session) {
      if (isHeld) return;
      if (dangling) await withdraw();
      for (let attempt = 0; attempt < 5; attempt += 1) {
        const { rows } = await session.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS ok', [leaseNamespace, key]);
        if (rows[0]?.ok) {
          await session.query(
            `INSERT INTO sluice.event_workers (instance_id, lease_key) VALUES ($1, $2)
             ON CONFLICT (instance_id) DO UPDATE SET lease_key = excluded.lease_key, registered_at = now()`,
            [instanceId, key],
          );
          isHeld = true;
          return;
        }
        key = randomKey(); // held by another session: a live instance, or our own half-closed one
      }
    },
    lost() {
      if (!isHeld) return;
      isHeld = false;
      dangling = true;
      void withdraw().catch(() => undefined); // ready() retries
    },
    async ready() {
      if (withdrawing) await withdrawing;
      else if (dangling) await withdraw();
    },
    async release() {
      isHeld = false;
      await withdraw();
    },
  };
}

const reclaimSql = `
WITH dead AS (
  DELETE FROM sluice.event_workers w
  WHERE w.instance_id <> $1 AND pg_try_advisory_xact_lock($2, w.lease_key)
  RETURNING w.instance_id
)
UPDATE sluice.event_log e SET locked_at = NULL, locked_by = NULL
FROM dead WHERE e.status = 'pending' AND e.locked_by = dead.instance_id
RETURNING e.id`;

/**
 * Releases the events locked by registered instances whose lease is free; returns how many. The
 * registration table holds one row per live instance, so this is a handful of lock probes.
 */
export async function reclaimDeadWorkers(pool: pg.Pool, ownInstanceId: string): Promise<number> {
  const result = await inWriteTransaction(pool, (client) => client.query(reclaimSql, [ownInstanceId, leaseNamespace]));
  return result.rowCount ?? 0;
}
