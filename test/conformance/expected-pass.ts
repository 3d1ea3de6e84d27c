/**
 * `expected-pass.txt`: the case ids that passed when it was last updated. `--check` fails the run
 * when one of them no longer passes, so the list only ever grows as the gateway catches up.
 */
import { readFile, writeFile } from 'node:fs/promises';
import type { CaseOutcome } from './outcome.js';

const HEADER = [
  '# Hasura conformance cases that pass against Sluice, one case id per line, sorted.',
  '# `npm run conformance -- --check` fails if any of them stops passing.',
  '# Regenerate with `npm run conformance -- --update-expected` (see test/conformance/README.md).',
];

export function parseExpected(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

export async function readExpected(path: string): Promise<string[]> {
  try {
    return parseExpected(await readFile(path, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

export function formatExpected(ids: Iterable<string>): string {
  const sorted = [...new Set(ids)].sort();
  return `${[...HEADER, ...sorted].join('\n')}\n`;
}

/**
 * The listed cases that this run selected but that did not pass. Listed cases outside the run
 * (a path filter excluded them) are not judged.
 */
export function findRegressions(expected: readonly string[], outcomes: readonly CaseOutcome[]): CaseOutcome[] {
  const byId = new Map(outcomes.map((o) => [o.id, o]));
  return expected.flatMap((id) => {
    const outcome = byId.get(id);
    return outcome && outcome.status !== 'pass' ? [outcome] : [];
  });
}

/**
 * The new list after a run: entries the run did not select are kept, entries it did select are
 * replaced by what passes now.
 */
export function updatedExpected(expected: readonly string[], outcomes: readonly CaseOutcome[]): string[] {
  const selected = new Set(outcomes.map((o) => o.id));
  const kept = expected.filter((id) => !selected.has(id));
  return [...kept, ...outcomes.filter((o) => o.status === 'pass').map((o) => o.id)];
}

export async function writeExpected(path: string, ids: Iterable<string>): Promise<void> {
  await writeFile(path, formatExpected(ids));
}
