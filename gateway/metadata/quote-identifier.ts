/**
 * The one place this folder turns a name into SQL text. Postgres identifiers are quoted with `"`
 * and an embedded `"` is doubled; NUL cannot occur in a Postgres name, so it is refused rather
 * than silently truncating the identifier.
 */
import type { QualifiedName } from '../../schema/model/database-model.js';

export function quoteIdentifier(name: string): string {
  if (name.includes('\u0000')) throw new Error('identifier contains a NUL character');
  return `"${name.replaceAll('"', '""')}"`;
}

/** `"schema"."name"`, for tables and types. */
export function quoteQualifiedName(name: QualifiedName): string {
  return `${quoteIdentifier(name.schema)}.${quoteIdentifier(name.name)}`;
}
