/**
 * The JSON paths Hasura accepts in `claims_namespace_path` and `claims_map`
 * (`Data.Parser.JSONPath`): `$`, `$.a.b`, `$['x-key']`, `$.roles[0]`. The leading `$` is optional.
 */
export type JsonPathElement = { readonly kind: 'key'; readonly key: string } | { readonly kind: 'index'; readonly index: number };

export interface JsonPath {
  /** The path as written in the config, for messages. */
  readonly text: string;
  readonly elements: readonly JsonPathElement[];
}

/** Parses a JSON path; throws an `Error` whose message says what is wrong (without the path). */
export function parseJsonPath(text: string): JsonPath {
  const elements: JsonPathElement[] = [];
  let i = text.startsWith('$') ? 1 : 0;
  // A bare first key (`hasura.claims`) is allowed, as Hasura allows it.
  if (i === 0 && text.length > 0 && text[0] !== '.' && text[0] !== '[') {
    const end = keyEnd(text, 0);
    elements.push({ kind: 'key', key: text.slice(0, end) });
    i = end;
  }
  while (i < text.length) {
    const c = text[i];
    if (c === '.') {
      const end = keyEnd(text, i + 1);
      if (end === i + 1) throw new Error(`empty key after '.' at position ${i}`);
      elements.push({ kind: 'key', key: text.slice(i + 1, end) });
      i = end;
    } else if (c === '[') {
      const quote = text[i + 1];
      if (quote === "'" || quote === '"') {
        let key = '';
        let j = i + 2;
        for (; j < text.length && text[j] !== quote; j++) {
          if (text[j] === '\\' && j + 1 < text.length) j++;
          key += text[j];
        }
        if (text[j] !== quote || text[j + 1] !== ']') throw new Error(`unterminated quoted key at position ${i}`);
        elements.push({ kind: 'key', key });
        i = j + 2;
      } else {
        const close = text.indexOf(']', i);
        const digits = close === -1 ? '' : text.slice(i + 1, close);
        if (!/^\d+$/.test(digits)) throw new Error(`expected an array index or a quoted key at position ${i}`);
        elements.push({ kind: 'index', index: Number(digits) });
        i = close + 1;
      }
    } else {
      throw new Error(`unexpected character at position ${i}`);
    }
  }
  return { text, elements };
}

function keyEnd(text: string, start: number): number {
  let end = start;
  while (end < text.length && text[end] !== '.' && text[end] !== '[') end++;
  return end;
}

/** The value at `path` in `value`, or `undefined` when any step is missing. */
export function readJsonPath(value: unknown, path: JsonPath): unknown {
  let current = value;
  for (const element of path.elements) {
    if (element.kind === 'key') {
      if (typeof current !== 'object' || current === null || Array.isArray(current)) return undefined;
      if (!Object.hasOwn(current, element.key)) return undefined;
      current = (current as Record<string, unknown>)[element.key];
    } else {
      if (!Array.isArray(current) || element.index >= current.length) return undefined;
      current = current[element.index];
    }
  }
  return current;
}
