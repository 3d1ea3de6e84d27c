/**
 * Prometheus text exposition format (version 0.0.4), written by hand: `# HELP` and `# TYPE`
 * lines, then one `name{label="value",…} number` line per series.
 */
export const prometheusContentType = 'text/plain; version=0.0.4; charset=utf-8';

/** A label value with `\`, `"` and newlines escaped, as the format requires. */
export function escapeLabelValue(value: string): string {
  return value.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));
}

/** `{a="1",b="2"}` from pairs; pairs whose value is undefined are left out; `''` for none. */
export function formatLabels(pairs: readonly (readonly [string, string | undefined])[]): string {
  const parts: string[] = [];
  for (const [name, value] of pairs) if (value !== undefined) parts.push(`${name}="${escapeLabelValue(value)}"`);
  return parts.length === 0 ? '' : `{${parts.join(',')}}`;
}

/** A number as the format writes it (`+Inf`, `NaN`, integers without a fraction). */
export function formatValue(value: number): string {
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return Number.isNaN(value) ? 'NaN' : String(value);
}

/** The `# HELP` and `# TYPE` header of a metric family. */
export function familyHeader(name: string, type: 'counter' | 'gauge' | 'histogram', help: string): string {
  return `# HELP ${name} ${help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}\n# TYPE ${name} ${type}\n`;
}
