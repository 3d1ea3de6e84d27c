/** What the runner found out about one case file, and how that is printed. */
import type { CaseRef } from './manifest.js';

export type CaseStatus = 'pass' | 'fail' | 'skip';

export interface CaseOutcome {
  readonly id: string;
  readonly file: string;
  readonly className: string;
  readonly method: string;
  readonly status: CaseStatus;
  /** Short reason for a failure or skip. */
  readonly reason?: string;
  /** Upstream's xfail reason, when upstream expects this case to fail. */
  readonly xfail?: string;
  readonly messageMismatches: readonly string[];
  /** Full expected/actual and further differences, printed with --verbose. */
  readonly details: readonly string[];
}

export function outcomeOf(ref: CaseRef, status: CaseStatus, reason?: string, extra: Partial<Pick<CaseOutcome, 'messageMismatches' | 'details'>> = {}): CaseOutcome {
  return {
    id: ref.id,
    file: ref.file,
    className: ref.className,
    method: ref.method,
    status,
    ...(reason === undefined ? {} : { reason }),
    ...(ref.xfail === undefined ? {} : { xfail: ref.xfail }),
    messageMismatches: extra.messageMismatches ?? [],
    details: extra.details ?? [],
  };
}

/** `PASS file`, `FAIL file — reason`, `XFAIL file — reason`, `SKIP file — reason`. */
export function formatOutcome(outcome: CaseOutcome): string {
  if (outcome.status === 'pass') return `${outcome.xfail ? 'XPASS' : 'PASS'} ${outcome.id}`;
  if (outcome.status === 'skip') return `SKIP ${outcome.id} — ${outcome.reason ?? ''}`;
  return `${outcome.xfail ? 'XFAIL' : 'FAIL'} ${outcome.id} — ${outcome.reason ?? 'failed'}`;
}

export interface Totals {
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  /** Failed cases that upstream marks xfail (included in `failed`). */
  readonly xfailed: number;
  /** Message-only differences in passing cases. */
  readonly messageMismatches: number;
  readonly casesWithMessageMismatches: number;
}

export function countOutcomes(outcomes: readonly CaseOutcome[]): Totals {
  const count = (s: CaseStatus): number => outcomes.filter((o) => o.status === s).length;
  // Warnings matter on passing cases; a failing case has a worse problem already.
  const withMismatch = outcomes.filter((o) => o.status === 'pass' && o.messageMismatches.length > 0);
  return {
    passed: count('pass'),
    failed: count('fail'),
    skipped: count('skip'),
    xfailed: outcomes.filter((o) => o.status === 'fail' && o.xfail).length,
    messageMismatches: withMismatch.reduce((n, o) => n + o.messageMismatches.length, 0),
    casesWithMessageMismatches: withMismatch.length,
  };
}

/** The last line of a run, exactly `N passed, N failed, N skipped`. */
export function formatSummary(totals: Totals): string {
  return `${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`;
}
