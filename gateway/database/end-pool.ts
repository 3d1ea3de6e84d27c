import type pg from 'pg';

/**
 * Ends a pool and waits until its connections have closed. pg-pool's `end()` resolves once it
 * has asked each idle connection to close, not once they have: a database stopped right after
 * (`sluice start` stops its embedded Postgres next) would cut them mid-goodbye, and each would
 * be logged as a failed connection on a clean shutdown. Bounded, so a stuck socket cannot hold
 * the shutdown up.
 */
export async function endPool(pool: pg.Pool, timeoutMs = 5000): Promise<void> {
  let open = pool.totalCount;
  const closed = new Promise<void>((resolve) => {
    if (open === 0) resolve();
    pool.on('remove', () => {
      if (--open <= 0) resolve();
    });
  });
  await pool.end();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, timeoutMs);
  });
  await Promise.race([closed, timeout]);
  clearTimeout(timer);
}
