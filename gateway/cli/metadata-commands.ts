/**
 * The `sluice metadata` commands. Each returns its result both as lines for a person and as a
 * JSON value for machines; `runMetadata` prints one of them.
 */
import { resolve } from 'node:path';
import type pg from 'pg';
import { createMetadataStore, findInconsistentObjects } from '../metadata/index.js';
import {
  commitApply,
  diffMetadata,
  formatDiff,
  formatProblem,
  introspectModel,
  InvalidMetadataError,
  isMetadataDirectoryError,
  loadMetadataDirectory,
  locateInconsistency,
  planApply,
  summarizeDiff,
  writeMetadataDirectory,
  type LoadedMetadataDirectory,
  type MetadataFileProblem,
} from '../metadata-files/index.js';
import { normalizeForApply } from '../metadata-files/apply-metadata.js';
import { exitOk, exitProblems, type MetadataCliOptions } from './metadata-cli-options.js';

export interface CommandResult {
  readonly code: number;
  readonly lines: readonly string[];
  readonly json: Record<string, unknown>;
}

/** Problems found against the database, by file and line (the check finds them table by table). */
function byFile(problems: readonly MetadataFileProblem[]): MetadataFileProblem[] {
  return [...problems].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : (a.line ?? 0) - (b.line ?? 0)));
}

function problemResult(headline: string, problems: readonly MetadataFileProblem[], extra: Record<string, unknown> = {}): CommandResult {
  return {
    code: exitProblems,
    lines: [headline, ...problems.map((p) => `  ${formatProblem(p)}`)],
    json: { ok: false, ...extra, problems },
  };
}

/** The directory, or a result listing every problem in it. */
async function loadDirectory(dir: string): Promise<LoadedMetadataDirectory | CommandResult> {
  try {
    const loaded = await loadMetadataDirectory(dir);
    return { ...loaded, metadata: normalizeForApply(loaded.metadata) };
  } catch (error) {
    if (isMetadataDirectoryError(error)) return problemResult(`${dir}: ${error.problems.length} problem(s) in the metadata directory`, error.problems);
    if (error instanceof InvalidMetadataError) return problemResult(`${dir}: invalid metadata`, error.problems.map((message) => ({ file: dir, message })));
    throw error;
  }
}

function isResult(value: LoadedMetadataDirectory | CommandResult): value is CommandResult {
  return 'code' in value;
}

function countPermissions(loaded: LoadedMetadataDirectory): { tables: number; permissions: number } {
  const tables = loaded.metadata.sources.flatMap((s) => s.tables);
  const permissions = tables.reduce(
    (n, t) => n + (t.select_permissions?.length ?? 0) + (t.insert_permissions?.length ?? 0) + (t.update_permissions?.length ?? 0) + (t.delete_permissions?.length ?? 0),
    0,
  );
  return { tables: tables.length, permissions };
}

async function exportCommand(pool: pg.Pool, options: MetadataCliOptions): Promise<CommandResult> {
  const stored = await createMetadataStore(pool).load();
  await writeMetadataDirectory(options.dir, stored.metadata);
  const tables = stored.metadata.sources.reduce((n, s) => n + s.tables.length, 0);
  return {
    code: exitOk,
    lines: [`exported the metadata at resource version ${stored.resourceVersion} to ${options.dir} (${tables} tables)`],
    json: { ok: true, resource_version: stored.resourceVersion, dir: resolve(options.dir), tables },
  };
}

async function applyCommand(pool: pg.Pool, options: MetadataCliOptions): Promise<CommandResult> {
  const loaded = await loadDirectory(options.dir);
  if (isResult(loaded)) return loaded;
  const plan = await planApply(pool, loaded.metadata);
  const problems = byFile(plan.inconsistencies.map((o) => locateInconsistency(o, loaded.locations)));
  if (options.resourceVersion !== undefined && options.resourceVersion !== plan.stored.resourceVersion) {
    const message = `conflict: the database is at resource version ${plan.stored.resourceVersion}, not ${options.resourceVersion}; nothing was applied: review \`sluice metadata diff\` again`;
    return { code: exitProblems, lines: [message], json: { ok: false, conflict: true, resource_version: plan.stored.resourceVersion, message } };
  }
  const outcome = await commitApply(pool, plan, { allowInconsistent: options.allowInconsistent });
  switch (outcome.status) {
    case 'inconsistent':
      return problemResult(
        `refused: ${problems.length} inconsistent object(s) against the database; nothing was applied (--allow-inconsistent applies anyway)`,
        problems,
        { resource_version: plan.stored.resourceVersion },
      );
    case 'conflict':
      return { code: exitProblems, lines: [`conflict: ${outcome.message}`], json: { ok: false, conflict: true, message: outcome.message } };
    case 'unchanged':
      return {
        code: exitOk,
        lines: [`nothing to apply: the database already matches ${options.dir} (resource version ${outcome.resourceVersion})`],
        json: { ok: true, applied: false, resource_version: outcome.resourceVersion, changes: [] },
      };
    case 'applied': {
      const warnings = problems.map((p) => `  warning: ${formatProblem(p)}`);
      return {
        code: exitOk,
        lines: [
          ...formatDiff(plan.changes),
          `applied ${summarizeDiff(plan.changes)}: resource version ${plan.stored.resourceVersion} -> ${outcome.resourceVersion}`,
          ...(warnings.length > 0 ? [`applied with ${warnings.length} inconsistent object(s):`, ...warnings] : []),
        ],
        json: { ok: true, applied: true, resource_version: outcome.resourceVersion, changes: plan.changes, inconsistencies: problems },
      };
    }
  }
}

async function diffCommand(pool: pg.Pool, options: MetadataCliOptions): Promise<CommandResult> {
  const loaded = await loadDirectory(options.dir);
  if (isResult(loaded)) return loaded;
  const stored = await createMetadataStore(pool).load();
  const changes = diffMetadata(stored.metadata, loaded.metadata);
  const header = `database (resource version ${stored.resourceVersion}) -> ${options.dir}`;
  const lines = changes.length === 0 ? [`${header}: no changes`] : [header, ...formatDiff(changes), summarizeDiff(changes)];
  return { code: exitOk, lines, json: { ok: true, resource_version: stored.resourceVersion, changes } };
}

async function validateCommand(pool: pg.Pool, options: MetadataCliOptions): Promise<CommandResult> {
  const loaded = await loadDirectory(options.dir);
  if (isResult(loaded)) return loaded;
  const objects = findInconsistentObjects(loaded.metadata, await introspectModel(pool));
  const problems = byFile(objects.map((o) => locateInconsistency(o, loaded.locations)));
  if (problems.length > 0) return problemResult(`${options.dir}: ${problems.length} inconsistent object(s) against the database`, problems);
  const { tables, permissions } = countPermissions(loaded);
  return { code: exitOk, lines: [`${options.dir} is valid against the database (${tables} tables, ${permissions} permissions)`], json: { ok: true, tables, permissions } };
}

async function statusCommand(pool: pg.Pool, options: MetadataCliOptions): Promise<CommandResult> {
  const stored = await createMetadataStore(pool).load();
  const objects = findInconsistentObjects(stored.metadata, await introspectModel(pool));
  const loaded = await loadDirectory(options.dir);
  const lines = [`resource version: ${stored.resourceVersion}`];
  const json: Record<string, unknown> = { resource_version: stored.resourceVersion };
  let ok = objects.length === 0;
  if (isResult(loaded)) {
    ok = false;
    lines.push(`directory ${options.dir}: cannot be read`, ...loaded.lines.slice(1).map((l) => `  ${l}`));
    json.directory = { readable: false, problems: loaded.json.problems };
  } else {
    const changes = diffMetadata(stored.metadata, loaded.metadata);
    ok &&= changes.length === 0;
    lines.push(
      changes.length === 0
        ? `directory ${options.dir}: matches the database`
        : `directory ${options.dir}: differs from the database, ${summarizeDiff(changes)} (see \`sluice metadata diff\`)`,
    );
    json.directory = { readable: true, matches: changes.length === 0, changes: changes.length };
  }
  if (objects.length === 0) lines.push('database metadata: consistent');
  else lines.push(`database metadata: ${objects.length} inconsistent object(s)`, ...objects.map((o) => `  ${locateInconsistency(o, undefined).message}`));
  json.inconsistent_objects = objects;
  return { code: ok ? exitOk : exitProblems, lines, json: { ok, ...json } };
}

export const metadataCommandRunners: Record<string, (pool: pg.Pool, options: MetadataCliOptions) => Promise<CommandResult>> = {
  export: exportCommand,
  apply: applyCommand,
  diff: diffCommand,
  validate: validateCommand,
  status: statusCommand,
};
