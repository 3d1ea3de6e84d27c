/**
 * Structural JSON comparison with the upstream runner's rules: arrays in order, object keys in
 * any order. Field order under `data` is a separate check (see field-order.ts).
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function isObject(value: unknown): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Renders a value for a one-line failure reason, shortened. */
export function show(value: unknown, max = 60): string {
  const text = value === undefined ? 'undefined' : JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export function childPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

/**
 * Lists the differences between `expected` and `actual` as `at <path>: <what>` strings, at most
 * `limit` of them. An empty list means equal.
 */
export function diffJson(expected: unknown, actual: unknown, path = '$', limit = 10): string[] {
  const out: string[] = [];
  walk(expected, actual, path, out, limit);
  return out;
}

function walk(expected: unknown, actual: unknown, path: string, out: string[], limit: number): void {
  if (out.length >= limit) return;
  if (Array.isArray(expected) && Array.isArray(actual)) {
    if (expected.length !== actual.length) {
      out.push(`at ${path}: array length ${expected.length} ≠ ${actual.length}`);
      return;
    }
    expected.forEach((item, i) => walk(item, actual[i], childPath(path, i), out, limit));
    return;
  }
  if (isObject(expected) && isObject(actual)) {
    for (const key of Object.keys(expected)) {
      if (!(key in actual)) out.push(`at ${path}: missing key ${JSON.stringify(key)}`);
      else walk(expected[key], actual[key], childPath(path, key), out, limit);
      if (out.length >= limit) return;
    }
    for (const key of Object.keys(actual)) {
      if (!(key in expected)) out.push(`at ${path}: unexpected key ${JSON.stringify(key)}`);
      if (out.length >= limit) return;
    }
    return;
  }
  if (!Object.is(expected, actual) && !(expected === 0 && actual === 0)) {
    out.push(`at ${path}: ${show(expected)} ≠ ${show(actual)}`);
  }
}
