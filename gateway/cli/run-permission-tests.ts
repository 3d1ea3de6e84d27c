/**
 * `sluice test [DIR]`: the permission tests of DIR against a disposable database built from the
 * migrations (catalog and Chinook example) and the metadata directory, through an in-process
 * gateway. Prints PASS/FAIL per test and a count; exit code 1 on any failure.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { loadConfig } from '../config/load-config.js';
import { createPool } from '../database/create-pool.js';
import { runMigrations } from '../database/run-migrations.js';
import { createGateway } from '../http/index.js';
import { commitApply, formatProblem, isMetadataDirectoryError, loadMetadataDirectory, locateInconsistency, planApply } from '../metadata-files/index.js';
import { readPermissionTests, runPermissionTest, type PermissionTest } from '../metadata-files/permission-tests/index.js';
import { exitOk, exitProblems, exitUsage, parseTestOptions, testUsage, UsageError } from './metadata-cli-options.js';
import { createDisposableDatabase } from './disposable-database.js';
import { createCliLogger } from './open-catalog.js';

const write = (line: string): void => void process.stdout.write(`${line}\n`);

function label(test: PermissionTest): string {
  return `${test.file}:${test.line ?? 1} ${test.name}`;
}

async function runAll(tests: readonly PermissionTest[], metadataDir: string, env: NodeJS.ProcessEnv): Promise<number> {
  const logger = createCliLogger();
  const loaded = await loadMetadataDirectory(metadataDir);
  const database = await createDisposableDatabase(env.TEST_DATABASE_URL || env.DATABASE_URL || undefined, logger);
  try {
    write(`database: ${database.description}`);
    await runMigrations(database.url, { example: true }, logger);
    const adminSecret = randomBytes(18).toString('base64url');
    const config = loadConfig({ ...env, DATABASE_URL: database.url, SLUICE_ADMIN_SECRET: adminSecret, HASURA_GRAPHQL_DATABASE_URL: undefined });
    const pool = createPool(config, logger);
    try {
      const plan = await planApply(pool, loaded.metadata);
      const outcome = await commitApply(pool, plan);
      if (outcome.status === 'inconsistent' || outcome.status === 'conflict') {
        write(`the metadata in ${metadataDir} cannot be applied to the test database:`);
        for (const object of plan.inconsistencies) write(`  ${formatProblem(locateInconsistency(object, loaded.locations))}`);
        return exitProblems;
      }
      const gateway = createGateway({ config, pool, logger });
      try {
        await gateway.ready;
        let failed = 0;
        for (const test of tests) {
          const result = await runPermissionTest(gateway.fetch, adminSecret, test);
          write(`${result.passed ? 'PASS' : 'FAIL'} ${label(test)}`);
          for (const reason of result.reasons) write(`       ${reason}`);
          if (!result.passed) failed += 1;
        }
        write(`${tests.length - failed} passed, ${failed} failed`);
        return failed === 0 ? exitOk : exitProblems;
      } finally {
        await gateway.close();
      }
    } finally {
      await pool.end();
    }
  } finally {
    await database.drop();
  }
}

export async function runPermissionTests(args: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(testUsage);
    return exitOk;
  }
  try {
    const options = parseTestOptions(args);
    const testsDir = resolve(options.testsDir);
    if (!existsSync(testsDir)) throw new UsageError(`no tests folder at ${options.testsDir}`);
    const metadataDir = resolve(options.metadataDir ?? dirname(testsDir));
    if (!existsSync(join(metadataDir, 'version.yaml'))) {
      throw new UsageError(`no metadata directory at ${relative(process.cwd(), metadataDir) || '.'} (version.yaml not found): pass --metadata DIR`);
    }
    const tests = await readPermissionTests(testsDir);
    if (tests.length === 0) {
      write(`no tests in ${options.testsDir}`);
      return exitProblems;
    }
    return await runAll(tests, metadataDir, env);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n\n${testUsage}`);
      return exitUsage;
    }
    if (isMetadataDirectoryError(error)) {
      write(`${error.problems.length} problem(s):`);
      for (const problem of error.problems) write(`  ${formatProblem(problem)}`);
      return exitProblems;
    }
    process.stderr.write(`sluice test failed: ${error instanceof Error ? error.message : String(error)}\n`);
    return exitProblems;
  }
}
