/**
 * Runs one upstream test class: reset the database and metadata, class fixtures, then each
 * method with its own fixtures (per_method-v1 setup/teardown, mutation-* values_setup and
 * values_teardown) around its case files, then the class teardown.
 */
import { adaptFixture } from './adapt-fixture.js';
import type { ConformanceDatabase } from './postgres.js';
import { describeFixtureFailure } from './describe-fixture-failure.js';
import { loadYaml } from './load-yaml.js';
import type { CaseRef, ClassPlan, FixtureFile } from './manifest.js';
import { outcomeOf, type CaseOutcome } from './outcome.js';
import { runCaseFile, type RunContext } from './run-case-file.js';
import { RequestTimeoutError, sendRequest } from './send-request.js';

export interface ClassContext extends RunContext {
  readonly database: ConformanceDatabase;
  /** Whether the gateway process is still running. */
  readonly serverAlive: () => boolean;
  readonly logPath: string;
  /** Called with each outcome as soon as it is known. */
  readonly report: (outcome: CaseOutcome) => void;
  /** Called for fixture problems that do not fail a case (teardown failures). */
  readonly note: (message: string) => void;
}

export interface ClassResult {
  readonly outcomes: readonly CaseOutcome[];
  /** A request timed out or the server died: the caller should restart it. */
  readonly serverSuspect: boolean;
}

class FixtureError extends Error {}

async function post(ctx: RunContext, url: string, body: unknown, what: string): Promise<void> {
  let result;
  try {
    result = await sendRequest(ctx.baseUrl, { url, body });
  } catch (error) {
    const message = error instanceof RequestTimeoutError ? error.message : error instanceof Error ? error.message : String(error);
    throw new FixtureError(`${what} → ${url}: ${message}`);
  }
  if (result.status !== 200) {
    throw new FixtureError(`${what} → ${url}: ${describeFixtureFailure(body, result.status, result.body)}`);
  }
}

async function runFixtures(ctx: ClassContext, files: readonly FixtureFile[]): Promise<void> {
  const adaptations = { dropEnUsLcMonetary: !ctx.database.hasEnUsLocale };
  for (const fixture of files) {
    let loaded: unknown;
    try {
      loaded = await loadYaml(ctx.conformanceDir, fixture.file);
    } catch (error) {
      throw new FixtureError(error instanceof Error ? error.message : String(error));
    }
    const body = adaptFixture(loaded, adaptations);
    await post(ctx, fixture.endpoint, body, fixture.file);
  }
}

/**
 * Upstream gives each class a fresh database with an empty `hge_tests` schema. We POST the
 * runner's own reset requests (clear_db.yaml, clear_metadata) and then also drop, out of band,
 * whatever schemas an earlier class's failed teardown left behind.
 */
async function resetState(ctx: ClassContext): Promise<void> {
  await post(ctx, '/v2/query', await loadYaml(ctx.conformanceDir, 'clear_db.yaml'), 'clear_db.yaml');
  await post(ctx, '/v1/metadata', { type: 'clear_metadata', args: {} }, 'clear_metadata');
  await ctx.database.reset();
  // The out-of-band DDL may leave a cached catalog stale; a gateway without reload_metadata
  // still gets its catalog refreshed by the setup's own run_sql.
  try {
    await sendRequest(ctx.baseUrl, { url: '/v1/metadata', body: { type: 'reload_metadata', args: {} } });
  } catch {
    // Ignored: the setup that follows reports any real problem.
  }
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export async function runClass(ctx: ClassContext, plan: ClassPlan): Promise<ClassResult> {
  const outcomes: CaseOutcome[] = [];
  let serverSuspect = false;
  const emit = (outcome: CaseOutcome): void => {
    outcomes.push(outcome);
    ctx.report(outcome);
  };
  const failAll = (refs: readonly CaseRef[], reason: string): void => refs.forEach((ref) => emit(outcomeOf(ref, 'fail', reason)));
  const allCases = plan.methods.flatMap((m) => m.cases);

  try {
    await resetState(ctx);
  } catch (error) {
    failAll(allCases, `reset before class ${plan.name} failed: ${reasonOf(error)}`);
    return { outcomes, serverSuspect: !ctx.serverAlive() };
  }
  try {
    await runFixtures(ctx, plan.fixtures.classSetup);
  } catch (error) {
    failAll(allCases, `class setup failed (${plan.fixtures.mode}): ${reasonOf(error)}`);
    return { outcomes, serverSuspect: !ctx.serverAlive() };
  }

  for (const method of plan.methods) {
    try {
      await runFixtures(ctx, plan.fixtures.methodSetup);
    } catch (error) {
      failAll(method.cases, `method setup failed (${plan.fixtures.mode}): ${reasonOf(error)}`);
      // Undo what the setup did before it failed, so one bad setup does not fail every later
      // method with "already exists" and hide its own reason. Teardown errors are expected here.
      await runFixtures(ctx, plan.fixtures.methodTeardown).catch(() => {});
      continue;
    }
    let failedFirst: string | undefined;
    for (const ref of method.cases) {
      if (failedFirst) {
        emit(outcomeOf(ref, 'fail', `not run: ${failedFirst} failed first in ${method.method}`));
        continue;
      }
      if (!ctx.serverAlive()) {
        emit(outcomeOf(ref, 'fail', `Sluice is not running; log at ${ctx.logPath}`));
        serverSuspect = true;
        continue;
      }
      const result = await runCaseFile(ctx, ref);
      if (result.timedOut) serverSuspect = true;
      emit(outcomeOf(ref, result.ok ? 'pass' : 'fail', result.reason, { messageMismatches: result.messageMismatches, details: result.details }));
      if (!result.ok) failedFirst = ref.file;
    }
    try {
      await runFixtures(ctx, plan.fixtures.methodTeardown);
    } catch (error) {
      ctx.note(`${plan.name}.${method.method}: method teardown failed: ${reasonOf(error)}`);
    }
  }

  try {
    await runFixtures(ctx, plan.fixtures.classTeardown);
  } catch (error) {
    ctx.note(`${plan.name}: class teardown failed: ${reasonOf(error)}`);
  }
  return { outcomes, serverSuspect: serverSuspect || !ctx.serverAlive() };
}
