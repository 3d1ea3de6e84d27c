/**
 * A problem found in a metadata directory, located by file (relative to the directory) and line,
 * so that an admin can jump to it. Readers collect every problem and throw them together.
 */
export interface MetadataFileProblem {
  /** Path relative to the metadata directory, with `/` separators. */
  readonly file: string;
  /** 1-based line, when the problem has one. */
  readonly line?: number;
  readonly message: string;
}

/** `databases/default/tables/public_album.yaml:7: unknown key "filtr"`. */
export function formatProblem(problem: MetadataFileProblem): string {
  return `${problem.file}${problem.line === undefined ? '' : `:${problem.line}`}: ${problem.message}`;
}

/** Thrown by `readMetadataDirectory` with every problem it found, never just the first. */
export class MetadataDirectoryError extends Error {
  readonly problems: readonly MetadataFileProblem[];

  constructor(dir: string, unsorted: readonly MetadataFileProblem[]) {
    const problems = sortProblems(unsorted);
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    super(`the metadata directory ${dir} has ${count}:\n${problems.map((p) => `  ${formatProblem(p)}`).join('\n')}`);
    this.name = 'MetadataDirectoryError';
    this.problems = problems;
  }
}

/** Grouped by file (in the order files were read), then by line. */
export function sortProblems(problems: readonly MetadataFileProblem[]): MetadataFileProblem[] {
  const files = [...new Set(problems.map((p) => p.file))];
  return [...problems].sort((a, b) => files.indexOf(a.file) - files.indexOf(b.file) || (a.line ?? 0) - (b.line ?? 0));
}

export function isMetadataDirectoryError(error: unknown): error is MetadataDirectoryError {
  return error instanceof MetadataDirectoryError;
}
