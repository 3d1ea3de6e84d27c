import type pg from 'pg';

/**
 * Allocates and frees `kilobytes` of memory once in the backend behind `client`, so that glibc
 * lets that backend keep its heap between statements.
 *
 * Why: glibc returns a process's freed heap to the kernel as soon as more than its trim threshold
 * (128 kB at first) lies free at the top. A statement that builds a JSON answer of a few hundred
 * kilobytes frees more than that when it ends, so every run of it grows the heap again and
 * touches fresh pages: on a VM where a page fault is dear, 100 faults made up a third of a
 * 1,000-row list's cost in Postgres (README, "Little for Postgres to allocate").
 *
 * How: a block of this size is above glibc's mmap threshold, so it is mapped on its own; freeing
 * it raises the mmap threshold to its size and the trim threshold to twice that (glibc's dynamic
 * threshold, mallopt(3)), for the rest of the backend's life. An answer that needs less than that
 * then reuses the same pages. Where Postgres does not run on glibc, or a `MALLOC_*` variable has
 * fixed the thresholds, this is one allocation and nothing more.
 *
 * The size is a parameter and the statement a constant: no request text is involved.
 */
export async function primeBackendHeap(client: pg.ClientBase, kilobytes: number): Promise<void> {
  await client.query({ text: primeBackendHeapSql, values: [kilobytes * 1024] });
}

/** Named in a comment, so an operator who meets it in pg_stat_activity or a log knows what it is. */
export const primeBackendHeapSql = "SELECT length(repeat(' ', $1::int)) /* sluice: SLUICE_POOL_HEAP_PRIME_KB */";
