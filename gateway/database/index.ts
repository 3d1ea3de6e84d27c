export { ByteRowsClient, holdWritesUntilNextTick, queryRowBytes } from './byte-rows-client.js';
export { createPool, sessionOptions } from './create-pool.js';
export { primeBackendHeap, primeBackendHeapSql } from './prime-backend-heap.js';
export { endPool } from './end-pool.js';
export { findFreePort } from './find-free-port.js';
export { runMigrations, type MigrationOptions } from './run-migrations.js';
export { startEmbeddedPostgres, type EmbeddedPostgres, type EmbeddedPostgresOptions } from './start-embedded-postgres.js';
