/**
 * Hasura's JSON path argument (`$.a.b`, `a`, `[0]`, `$['key with space']`, `$.a[0]["b"]`) →
 * the key list Postgres' `#>` takes. Returns an error message instead of throwing.
 */
export function parseJsonPath(input: string): string[] | { error: string } {
  const keys: string[] = [];
  let i = 0;
  if (input.startsWith('$')) i = 1;
  const fail = (what: string) => ({ error: `parse json path error: ${what} at position ${i} in "${input}"` });
  let first = true;
  while (i < input.length) {
    const c = input[i]!;
    if (c === '.' && input[i + 1] === '[') {
      // Hasura also accepts `a.["b"]`.
      i++;
    } else if (c === '.') {
      i++;
      const match = /^[^.[\]]+/.exec(input.slice(i));
      if (!match) return fail('expected a key');
      keys.push(match[0]);
      i += match[0].length;
    } else if (c === '[') {
      i++;
      const quote = input[i];
      if (quote === '"' || quote === "'") {
        const end = input.indexOf(quote, i + 1);
        if (end < 0) return fail('unterminated string');
        keys.push(input.slice(i + 1, end));
        i = end + 1;
      } else {
        const match = /^\d+/.exec(input.slice(i));
        if (!match) return fail('expected an index or a quoted key');
        keys.push(match[0]);
        i += match[0].length;
      }
      if (input[i] !== ']') return fail("expected ']'");
      i++;
    } else if (first && i === 0) {
      const match = /^[^.[\]]+/.exec(input);
      if (!match) return fail('expected a key');
      keys.push(match[0]);
      i = match[0].length;
    } else {
      return fail(`unexpected character '${c}'`);
    }
    first = false;
  }
  return keys;
}
