/**
 * A one-line account of why a setup or teardown request was refused, precise enough to act on
 * without rerunning: the error code and message, the JSON path of the failing operation in the
 * request (for a `bulk`, `$.args[3].args`) with that operation's `type`, and the `internal`
 * detail the admin API returned (for `postgres-error`, the Postgres message and SQLSTATE).
 */
import { isObject, show } from './json-diff.js';

/** The operation a Hasura error path such as `$.args[3].args[0].args.table` points into. */
export function operationAt(request: unknown, path: string): { readonly at: string; readonly type: string } | undefined {
  let node: unknown = request;
  let at = '$';
  let found: { at: string; type: string } | undefined;
  const steps = path.replace(/^\$/, '').match(/\.[^.[]+|\[\d+\]/g) ?? [];
  for (const step of steps) {
    if (isObject(node) && typeof node.type === 'string') found = { at, type: node.type };
    const key = step.startsWith('[') ? Number(step.slice(1, -1)) : step.slice(1);
    if (typeof key === 'number' ? !Array.isArray(node) : !isObject(node)) break;
    node = (node as Record<string | number, unknown>)[key];
    at += step;
  }
  if (isObject(node) && typeof node.type === 'string') found = { at, type: node.type };
  return found;
}

function describeInternal(internal: unknown): string | undefined {
  if (internal === undefined || internal === null) return undefined;
  if (isObject(internal) && isObject(internal.error) && typeof internal.error.message === 'string') {
    const pg = internal.error;
    const code = typeof pg.status_code === 'string' ? ` [${pg.status_code}]` : '';
    const extra = [pg.description, pg.hint].filter((x) => typeof x === 'string' && x !== '').join('; ');
    return `${pg.message}${code}${extra ? ` (${extra})` : ''}`;
  }
  return show(internal, 300);
}

export function describeFixtureFailure(request: unknown, status: number, body: unknown): string {
  if (!isObject(body) || typeof body.error !== 'string') return `status ${status} (${show(body, 300)})`;
  const path = typeof body.path === 'string' ? body.path : undefined;
  const op = path === undefined ? undefined : operationAt(request, path);
  const where = path === undefined ? '' : ` at ${path}${op && op.at !== '$' ? ` (${op.type} at ${op.at})` : op ? ` (${op.type})` : ''}`;
  const internal = describeInternal(body.internal);
  return `status ${status} ${String(body.code ?? '?')}${where}: ${show(body.error, 200)}${internal ? ` — ${internal}` : ''}`;
}
