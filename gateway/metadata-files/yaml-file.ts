/**
 * One YAML file of a metadata directory, parsed with line information, and the `!include`
 * reference in both of its spellings: Hasura's quoted string `"!include path"` and the tag
 * `!include path`.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join, posix } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type Pair, type ScalarTag, type YAMLMap } from 'yaml';
import { includePrefix } from './directory-layout.js';
import type { MetadataFileProblem } from './metadata-file-problem.js';

/** The value of an `!include` tag. */
class IncludeReference {
  constructor(readonly path: string) {}
}

const includeTag: ScalarTag = {
  tag: '!include',
  identify: (value) => value instanceof IncludeReference,
  resolve: (text) => new IncludeReference(text.trim()),
  stringify: (item) => String((item.value as IncludeReference).path),
};

export interface YamlFile {
  /** Relative to the metadata directory, `/`-separated. */
  readonly path: string;
  readonly document: Document;
  readonly lines: LineCounter;
}

/** Reads and parses files of one directory, collecting problems instead of throwing. */
export class YamlReader {
  readonly problems: MetadataFileProblem[] = [];

  constructor(private readonly dir: string) {}

  problem(file: YamlFile | string, node: Node | Pair | null | undefined, message: string): void {
    const path = typeof file === 'string' ? file : file.path;
    const line = typeof file === 'string' || !node ? undefined : lineOf(file, node);
    this.problems.push(line === undefined ? { file: path, message } : { file: path, line, message });
  }

  /** Undefined when the file is missing (and `required` is false) or does not parse. */
  async read(path: string, required: boolean): Promise<YamlFile | undefined> {
    let text: string;
    try {
      text = await readFile(join(this.dir, ...path.split('/')), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        if (required) this.problems.push({ file: path, message: 'file not found' });
        return undefined;
      }
      throw error;
    }
    const lines = new LineCounter();
    const document = parseDocument(text, { customTags: [includeTag], lineCounter: lines, prettyErrors: true, uniqueKeys: true });
    if (document.errors.length > 0) {
      for (const error of document.errors) {
        // The pretty message repeats the position and quotes the source; file:line says it already.
        const message = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
        this.problems.push({ file: path, line: error.linePos?.[0].line ?? 1, message: `invalid YAML: ${message}` });
      }
      return undefined;
    }
    return { path, document, lines };
  }

  /** The file an include names, resolved against the including file's folder. */
  resolveInclude(from: YamlFile, target: string): string {
    return posix.normalize(posix.join(dirname(from.path), target));
  }
}

export function lineOf(file: YamlFile, node: Node | Pair): number | undefined {
  const target: unknown = isScalar(node) || isMap(node) || isSeq(node) ? node : (node as Pair).key;
  const offset = (target as { range?: [number, number, number] } | null)?.range?.[0];
  return offset === undefined ? undefined : file.lines.linePos(offset).line;
}

/** The path of an include (`!include x` or `"!include x"`), or undefined when `node` is not one. */
export function includePath(node: unknown): string | undefined {
  if (!isScalar(node)) return undefined;
  if (node.value instanceof IncludeReference) return node.value.path;
  if (typeof node.value === 'string' && node.value.startsWith(includePrefix)) return node.value.slice(includePrefix.length).trim();
  return undefined;
}

/** True when an include is nested somewhere Sluice does not follow it. */
export function containsInclude(value: unknown): boolean {
  if (value instanceof IncludeReference) return true;
  if (Array.isArray(value)) return value.some(containsInclude);
  if (value !== null && typeof value === 'object') return Object.values(value).some(containsInclude);
  return false;
}

export function toJs(file: YamlFile, node: unknown): unknown {
  if (node === null || node === undefined) return null;
  return (node as Node).toJS(file.document);
}

/** The pairs of a mapping with their key as text (non-string keys are reported by the caller). */
export function entries(map: YAMLMap): { key: string; pair: Pair; value: unknown }[] {
  return map.items.map((pair) => {
    const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
    return { key, pair, value: pair.value };
  });
}
