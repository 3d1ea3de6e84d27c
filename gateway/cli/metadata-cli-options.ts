/**
 * Command-line options of `sluice metadata` and `sluice test`, parsed strictly: an unknown flag is
 * a usage error (exit code 2), never silently ignored.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

export const exitOk = 0;
export const exitProblems = 1;
export const exitUsage = 2;

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface MetadataCliOptions {
  readonly command: string;
  readonly dir: string;
  readonly json: boolean;
  readonly allowInconsistent: boolean;
  /** `apply --resource-version N`: apply only if the database is still at version N. */
  readonly resourceVersion: number | undefined;
}

export const metadataCommands = ['export', 'apply', 'diff', 'validate', 'status'] as const;

export const metadataUsage = `Usage: sluice metadata <command> [--dir DIR] [--json]

Commands (against DATABASE_URL; DIR defaults to ./metadata):
  export     write the database's metadata to DIR
  apply      check DIR against the database and save it (refused when inconsistent,
             unless --allow-inconsistent; --resource-version N applies only over version N)
  diff       show what apply would change
  validate   check DIR against the database schema without applying
  status     resource version, whether DIR matches the database, inconsistent objects

Exit codes: 0 ok, 1 problems found, 2 usage error.
`;

function parse(args: readonly string[], options: NonNullable<ParseArgsConfig['options']>): ReturnType<typeof parseArgs> {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

export function parseMetadataOptions(args: readonly string[]): MetadataCliOptions {
  const { values, positionals } = parse(args, {
    dir: { type: 'string' },
    json: { type: 'boolean' },
    'allow-inconsistent': { type: 'boolean' },
    'resource-version': { type: 'string' },
  });
  const [command, ...extra] = positionals;
  if (command === undefined) throw new UsageError('a command is required');
  if (!(metadataCommands as readonly string[]).includes(command)) {
    throw new UsageError(`unknown metadata command "${command}": expected ${metadataCommands.join(', ')}`);
  }
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  const version = values['resource-version'];
  if (version !== undefined && (typeof version !== 'string' || !/^\d+$/.test(version))) throw new UsageError('--resource-version must be a number');
  if (version !== undefined && command !== 'apply') throw new UsageError('--resource-version is an option of apply');
  if (values['allow-inconsistent'] && command !== 'apply') throw new UsageError('--allow-inconsistent is an option of apply');
  return {
    command,
    dir: typeof values.dir === 'string' ? values.dir : 'metadata',
    json: values.json === true,
    allowInconsistent: values['allow-inconsistent'] === true,
    resourceVersion: version === undefined ? undefined : Number(version),
  };
}

export interface TestCliOptions {
  readonly testsDir: string;
  /** The metadata directory applied before the tests; defaults to the tests folder's parent. */
  readonly metadataDir: string | undefined;
}

export const testUsage = `Usage: sluice test [DIR] [--metadata DIR]

Runs the permission tests in DIR (default ./metadata/tests) against a disposable database built
from Sluice's migrations (catalog and Chinook example) and the metadata directory (default: the
parent of DIR). Uses TEST_DATABASE_URL or DATABASE_URL as a server to create a temporary
database on; without either it starts an embedded Postgres.
`;

export function parseTestOptions(args: readonly string[]): TestCliOptions {
  const { values, positionals } = parse(args, { metadata: { type: 'string' } });
  if (positionals.length > 1) throw new UsageError(`unexpected argument "${positionals[1]}"`);
  return { testsDir: positionals[0] ?? 'metadata/tests', metadataDir: typeof values.metadata === 'string' ? values.metadata : undefined };
}
