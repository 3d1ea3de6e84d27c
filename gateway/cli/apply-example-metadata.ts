/**
 * `sluice start` applies the example app's metadata directory (`<repo>/metadata`) once: when
 * the catalog still holds empty metadata, as a fresh database does. `sluice serve` never applies
 * anything. A failure is logged and the gateway starts anyway — with auto-track it still serves
 * the Chinook tables, and a start must never turn into a crash loop.
 */
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config/config.js';
import { createPool } from '../database/create-pool.js';
import { createMetadataStore } from '../metadata/index.js';
import { commitApply, formatProblem, isEmptyMetadata, loadMetadataDirectory, locateInconsistency, planApply } from '../metadata-files/index.js';
import { repoRoot } from './repo-root.js';

export async function applyExampleMetadata(config: Config & { databaseUrl: string }, logger: Logger): Promise<void> {
  const dir = join(repoRoot(), 'metadata');
  const pool = createPool({ ...config, poolMax: 2 }, logger);
  try {
    const stored = await createMetadataStore(pool).load();
    if (!isEmptyMetadata(stored.metadata)) return;
    const loaded = await loadMetadataDirectory(dir);
    const plan = await planApply(pool, loaded.metadata);
    const outcome = await commitApply(pool, plan);
    if (outcome.status === 'applied') logger.info({ dir, resourceVersion: outcome.resourceVersion }, 'applied the example metadata');
    else if (outcome.status === 'inconsistent') {
      const problems = outcome.inconsistencies.map((o) => formatProblem(locateInconsistency(o, loaded.locations)));
      logger.warn({ dir, problems }, 'the example metadata is inconsistent with the database and was not applied');
    } else if (outcome.status === 'conflict') logger.info({ dir }, 'the metadata changed while applying the example metadata; left as it is');
  } catch (error) {
    logger.warn({ err: error, dir }, 'the example metadata was not applied');
  } finally {
    await pool.end();
  }
}
