import { readFile } from 'node:fs/promises';
import path from 'node:path';

/** One function of the manifest: its module, the role it acts as, and where its service key is. */
export interface FunctionSpec {
  /** The module path (relative to the manifest's folder in `functions.json`). */
  readonly module: string;
  /** The role its Sluice client acts as; without it the function has no client. */
  readonly role?: string;
  /** The environment variable holding its service key (`sk_…`). */
  readonly serviceKeyEnv?: string;
}

/** Function name → spec, with absolute module paths. */
export type FunctionManifest = Readonly<Record<string, FunctionSpec>>;

export const manifestFileName = 'functions.json';
const namePattern = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
const specKeys = new Set(['module', 'role', 'serviceKeyEnv']);

/** Reads `<dir>/functions.json` (`{"name": {"module", "role", "serviceKeyEnv"}}`). */
export async function readFunctionManifest(dir: string): Promise<FunctionManifest> {
  const file = path.join(dir, manifestFileName);
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read the function manifest ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error(`${file}: expected an object of functions`);
  return resolveFunctionSpecs(parsed as Record<string, unknown>, dir, file);
}

/**
 * Checks every entry (a module path, or a spec) and resolves module paths against `baseDir`.
 * All problems are reported together.
 */
export function resolveFunctionSpecs(entries: Readonly<Record<string, unknown>>, baseDir: string, source = 'functions'): FunctionManifest {
  const problems: string[] = [];
  const manifest: Record<string, FunctionSpec> = {};
  for (const [name, entry] of Object.entries(entries)) {
    if (!namePattern.test(name)) problems.push(`${JSON.stringify(name)} is not a function name (letters, digits, _ and -)`);
    const spec: Record<string, unknown> = typeof entry === 'string' ? { module: entry } : typeof entry === 'object' && entry !== null ? { ...entry } : {};
    if (typeof spec.module !== 'string' || spec.module === '') problems.push(`${name}: "module" must be a path`);
    for (const key of ['role', 'serviceKeyEnv'] as const) {
      if (spec[key] !== undefined && (typeof spec[key] !== 'string' || spec[key] === '')) problems.push(`${name}: "${key}" must be a non-empty string`);
    }
    for (const key of Object.keys(spec)) if (!specKeys.has(key)) problems.push(`${name}: unknown key "${key}"`);
    if (spec.serviceKeyEnv !== undefined && spec.role === undefined) problems.push(`${name}: a service key needs a "role" to act as`);
    if (typeof spec.module === 'string') manifest[name] = { ...(spec as unknown as FunctionSpec), module: path.resolve(baseDir, spec.module) };
  }
  if (problems.length > 0) throw new Error(`invalid ${source}:\n  ${problems.join('\n  ')}`);
  return manifest;
}
