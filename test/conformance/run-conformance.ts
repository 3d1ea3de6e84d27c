/**
 * `npm run conformance [-- <path filter>] [--check] [--update-expected] [--verbose]`
 *
 * Runs Hasura v2's own test cases (from /work/shared/conformance/hasura, or
 * HASURA_CONFORMANCE_DIR) against Sluice started as a child process on a fresh Postgres database,
 * and prints one line per case file and a final `N passed, N failed, N skipped`.
 * See test/conformance/README.md.
 */
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findRegressions, readExpected, updatedExpected, writeExpected } from './expected-pass.js';
import { loadManifest, planRun, type ClassPlan, type EnvGroup } from './manifest.js';
import { countOutcomes, formatOutcome, formatSummary, outcomeOf, type CaseOutcome } from './outcome.js';
import { openConformanceDatabase, type ConformanceDatabase } from './postgres.js';
import { runClass } from './run-class.js';
import { startSluice, type SluiceServer } from './sluice-process.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..', '..');
// `CONFORMANCE_EXPECTED` names another list, for runs on another server (PostgreSQL 15 + PostGIS in CI).
const expectedPath = process.env.CONFORMANCE_EXPECTED ? resolve(process.env.CONFORMANCE_EXPECTED) : join(here, 'expected-pass.txt');
const reportPath = join(repoRoot, '.data', 'conformance-last-run.json');

export interface CliOptions {
  readonly filter?: string;
  readonly check: boolean;
  readonly update: boolean;
  readonly verbose: boolean;
}

const USAGE = 'usage: npm run conformance [-- <path filter>] [--check] [--update-expected] [--verbose]';

export function parseCliArgs(argv: readonly string[]): CliOptions {
  let filter: string | undefined;
  let check = false;
  let update = false;
  let verbose = false;
  for (const arg of argv) {
    if (arg === '--check') check = true;
    else if (arg === '--update-expected') update = true;
    else if (arg === '--verbose' || arg === '-v') verbose = true;
    else if (arg.startsWith('-')) throw new Error(`unknown option ${arg}\n${USAGE}`);
    else if (filter === undefined) filter = arg;
    else throw new Error(`only one path filter is allowed (got ${filter} and ${arg})\n${USAGE}`);
  }
  return { ...(filter === undefined ? {} : { filter }), check, update, verbose };
}

function print(line: string): void {
  process.stdout.write(`${line}\n`);
}

function printOutcome(outcome: CaseOutcome, verbose: boolean): void {
  print(formatOutcome(outcome));
  if (!verbose) return;
  if (outcome.status === 'fail' && outcome.xfail) print(`    xfail upstream: ${outcome.xfail}`);
  for (const line of [...outcome.details, ...outcome.messageMismatches.map((m) => `message mismatch (warning): ${m}`)]) {
    print(line.replace(/^/gm, '    '));
  }
}

/** The last lines of the server log named in a start-up error, to show why it failed. */
async function logTail(message: string, lines = 8): Promise<string> {
  const path = /log at (\S+)/.exec(message)?.[1];
  if (!path) return '';
  try {
    const text = (await readFile(path, 'utf8')).trimEnd();
    if (!text) return '';
    return `--- last lines of ${path} ---\n${text.split('\n').slice(-lines).join('\n')}\n---\n`;
  } catch {
    return '';
  }
}

interface GroupRun {
  readonly outcomes: CaseOutcome[];
  readonly notes: string[];
  readonly infrastructureErrors: string[];
  readonly logs: string[];
}

async function runGroup(
  group: EnvGroup,
  index: number,
  database: ConformanceDatabase,
  conformanceDir: string,
  logDir: string,
  options: CliOptions,
  run: GroupRun,
  onServer: (server: SluiceServer | undefined) => void,
): Promise<void> {
  let server: SluiceServer | undefined;
  let restarts = 0;
  let startError = '';
  const start = async (): Promise<SluiceServer | undefined> => {
    try {
      const started = await startSluice({ repoRoot, databaseUrl: database.url, env: group.env, logDir, label: `env${index}-${restarts}` });
      run.logs.push(started.logPath);
      onServer(started);
      return started;
    } catch (error) {
      startError = error instanceof Error ? error.message : String(error);
      run.infrastructureErrors.push(startError);
      process.stderr.write(`${startError}\n${await logTail(startError)}`);
      return undefined;
    }
  };
  const failClasses = (classes: readonly ClassPlan[], reason: string): void => {
    for (const cls of classes) {
      for (const ref of cls.methods.flatMap((m) => m.cases)) {
        const outcome = outcomeOf(ref, 'fail', reason);
        run.outcomes.push(outcome);
        printOutcome(outcome, options.verbose);
      }
    }
  };

  server = await start();
  if (!server) {
    failClasses(group.classes, startError);
    return;
  }
  if (index === 0) await database.markBaseline();
  for (const [i, cls] of group.classes.entries()) {
    if (!server || !server.alive()) {
      if (server) run.notes.push(`Sluice exited during the run; restarting it (log at ${server.logPath})`);
      restarts++;
      server = await start();
      if (!server) {
        failClasses(group.classes.slice(i), `restart failed: ${startError}`);
        return;
      }
    }
    const active: SluiceServer = server;
    const result = await runClass(
      {
        baseUrl: active.baseUrl,
        conformanceDir,
        database,
        serverAlive: () => active.alive(),
        logPath: active.logPath,
        report: (outcome) => {
          run.outcomes.push(outcome);
          printOutcome(outcome, options.verbose);
        },
        note: (message) => run.notes.push(message),
      },
      cls,
    );
    if (result.serverSuspect && active.alive()) {
      run.notes.push(`${cls.name}: a request timed out; restarting Sluice (log at ${active.logPath})`);
      await active.stop();
    }
  }
  await server?.stop();
  onServer(undefined);
}

export async function main(argv: readonly string[]): Promise<number> {
  let options: CliOptions;
  try {
    options = parseCliArgs(argv);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  const conformanceDir = resolve(process.env.HASURA_CONFORMANCE_DIR ?? join(repoRoot, '..', 'shared', 'conformance', 'hasura'));
  const manifest = await loadManifest(conformanceDir);
  const plan = planRun(manifest, options.filter);
  const selectedCount = plan.groups.reduce((n, g) => n + g.classes.length, 0) + plan.skipped.length;
  if (selectedCount === 0) {
    process.stderr.write(`no manifest entry matches ${JSON.stringify(options.filter)}\n`);
    return 2;
  }

  const startedAt = new Date();
  const logDir = await mkdtemp(join(tmpdir(), 'sluice-conformance-'));
  const run: GroupRun = { outcomes: [], notes: [], infrastructureErrors: [], logs: [] };
  let database: ConformanceDatabase | undefined;
  let current: SluiceServer | undefined;
  const interrupt = (): void => {
    void (async () => {
      await current?.stop();
      await database?.close().catch(() => {});
      process.exit(130);
    })();
  };
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);

  try {
    if (plan.groups.length > 0) {
      database = await openConformanceDatabase();
      if (database.missingExtensions.length > 0) run.notes.push(`extensions not available: ${database.missingExtensions.join(', ')}`);
      if (!database.hasEnUsLocale) run.notes.push('no en_US.utf-8 locale on the database server: `SET lc_monetary` dropped from setup SQL (see README)');
      for (const [index, group] of plan.groups.entries()) {
        await runGroup(group, index, database, conformanceDir, logDir, options, run, (s) => {
          current = s;
        });
      }
    }
  } finally {
    await current?.stop();
    await database?.close().catch((error: unknown) => run.notes.push(`dropping the test database failed: ${String(error)}`));
  }

  const skipped = plan.skipped.map(({ ref, reason }) => outcomeOf(ref, 'skip', reason));
  for (const outcome of skipped) printOutcome(outcome, options.verbose);
  const outcomes = [...run.outcomes, ...skipped];
  for (const note of run.notes) print(`NOTE ${note}`);

  const totals = countOutcomes(outcomes);
  const durationMs = Date.now() - startedAt.getTime();
  await mkdir(dirname(reportPath), { recursive: true });
  await writeFile(
    reportPath,
    `${JSON.stringify({ startedAt: startedAt.toISOString(), durationMs, conformanceDir, filter: options.filter ?? null, totals, infrastructureErrors: run.infrastructureErrors, notes: run.notes, serverLogs: run.logs, cases: outcomes }, null, 2)}\n`,
  );

  let exitCode = totals.failed - totals.xfailed > 0 || run.infrastructureErrors.length > 0 ? 1 : 0;
  if (options.check) {
    const expected = await readExpected(expectedPath);
    const regressions = findRegressions(expected, outcomes);
    for (const r of regressions) print(`REGRESSED ${r.id} — ${r.reason ?? r.status}`);
    print(`check: ${regressions.length} of ${expected.length} expected-pass cases did not pass`);
    exitCode = regressions.length > 0 || run.infrastructureErrors.length > 0 ? 1 : 0;
  }
  if (options.update) {
    const next = updatedExpected(await readExpected(expectedPath), outcomes);
    await writeExpected(expectedPath, next);
    print(`updated ${expectedPath}: ${new Set(next).size} cases`);
  }
  const mismatchNote = `${totals.messageMismatches} message mismatch warnings in ${totals.casesWithMessageMismatches} passing cases`;
  print(`(${totals.xfailed} xfail counted as failed; ${mismatchNote}; logs in ${logDir}; report ${reportPath}; ${(durationMs / 1000).toFixed(1)} s)`);
  print(formatSummary(totals));
  return exitCode;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`conformance run failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(2);
    },
  );
}
