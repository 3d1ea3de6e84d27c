/** Quotes one element of a Postgres array literal when the bare text would be misread. */
function arrayElement(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (Array.isArray(value)) return arrayLiteral(value);
  const text = typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (text !== '' && !/[{},"\\\s]/.test(text) && text.toUpperCase() !== 'NULL') return text;
  return `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** `["a","b"]` → `{a,b}`: how array session variables reach `_in` and `_has_keys_any` (§8). */
function arrayLiteral(values: readonly unknown[]): string {
  return `{${values.map(arrayElement).join(',')}}`;
}

/**
 * A claim value as session-variable text, or undefined for `null` (no variable). Strings stay
 * as they are, numbers and booleans are printed, arrays become Postgres array literals and
 * objects JSON text.
 */
export function toSessionValue(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return arrayLiteral(value);
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
