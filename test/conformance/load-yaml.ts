import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';

const cache = new Map<string, unknown>();
const OPTIONS = { merge: true, uniqueKeys: false, maxAliasCount: -1 } as const;

/**
 * Upstream's ruamel loader accepts a multi-line double-quoted scalar whose continuation lines
 * are not indented past their key (one `description:` does this); the `yaml` package does not.
 * Line folding strips leading spaces, so indenting those lines keeps the value unchanged.
 */
export function indentQuotedContinuations(text: string): string {
  const lines = text.split('\n');
  let open: string | undefined;
  return lines
    .map((line) => {
      if (open !== undefined) {
        const out = `${open}${line}`;
        if (/(^|[^\\])"/.test(line)) open = undefined;
        return out;
      }
      const start = /^(\s*(?:- )?)[\w-]+: "((?:[^"\\]|\\.)*)$/.exec(line);
      if (start) open = ' '.repeat(start[1]!.length + 4);
      return line;
    })
    .join('\n');
}

/**
 * Reads a YAML file of the conformance data (path relative to its folder). YAML 1.2 core schema,
 * as upstream's ruamel loader: `yes`/`on` stay strings. Merge keys (`<<`) are honoured.
 */
export async function loadYaml(conformanceDir: string, file: string): Promise<unknown> {
  const path = join(conformanceDir, file);
  if (!cache.has(path)) {
    const text = await readFile(path, 'utf8');
    let value: unknown;
    try {
      value = parse(text, OPTIONS);
    } catch (error) {
      try {
        value = parse(indentQuotedContinuations(text), OPTIONS);
      } catch {
        throw new Error(`cannot parse ${file}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
      }
    }
    cache.set(path, value);
  }
  return cache.get(path);
}
