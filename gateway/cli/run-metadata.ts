import { exitProblems, exitUsage, metadataUsage, parseMetadataOptions, UsageError } from './metadata-cli-options.js';
import { metadataCommandRunners } from './metadata-commands.js';
import { openCatalog } from './open-catalog.js';

/**
 * `sluice metadata <command>`: the metadata directory against the database of DATABASE_URL.
 * Resolves with the exit code: 0 ok, 1 problems (printed, all of them), 2 usage.
 */
export async function runMetadata(args: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  if (args.length === 0 || args[0] === 'help' || args.includes('--help') || args.includes('-h')) {
    process.stdout.write(metadataUsage);
    return args.length === 0 ? exitUsage : 0;
  }
  try {
    const options = parseMetadataOptions(args);
    const catalog = await openCatalog(env, `metadata ${options.command}`);
    try {
      const result = await metadataCommandRunners[options.command]!(catalog.pool, options);
      process.stdout.write(options.json ? `${JSON.stringify(result.json, null, 2)}\n` : result.lines.map((line) => `${line}\n`).join(''));
      return result.code;
    } finally {
      await catalog.close();
    }
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n\n${metadataUsage}`);
      return exitUsage;
    }
    process.stderr.write(`sluice metadata failed: ${error instanceof Error ? error.message : String(error)}\n`);
    return exitProblems;
  }
}
