import { GatewayError } from '../errors/index.js';
import type { Param, ParamSource } from '../plan/ir.js';
import type { Variables } from '../plan/index.js';
import { parseJsonPath } from './parse-json-path.js';

/** Session variables of a request, names lower-cased (`x-hasura-user-id`). */
export type SessionVariables = Readonly<Record<string, string>>;

function resolveSource(source: ParamSource, variables: Variables, session: SessionVariables, runtime: RuntimeValues): unknown {
  switch (source.kind) {
    case 'constant':
      return source.value;
    case 'session': {
      const value = session[source.name];
      if (value === undefined) throw new GatewayError('not-found', `missing session variable: "${source.name}"`, { path: '$', status: 400 });
      return value;
    }
    case 'list':
      return source.items.map((item) => resolveSource(item, variables, session, runtime));
    case 'object':
      return Object.fromEntries(source.fields.map(([key, item]) => [key, resolveSource(item, variables, session, runtime)]));
    case 'runtime':
      return runtime[source.name] ?? null;
    case 'session_all':
      return JSON.stringify(session);
    case 'variable': {
      let value: unknown = variables[source.name];
      for (const key of source.path) {
        if (value === null || value === undefined) return null;
        value = (value as Record<string | number, unknown>)[key];
      }
      return value ?? null;
    }
  }
}

function encode(param: Param, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (param.encoding) {
    case 'plain':
      // pg sends objects as JSON; a custom scalar given as an object stays JSON text for Postgres to parse.
      return value;
    case 'geojson':
      return typeof value === 'string' ? value : JSON.stringify(value);
    case 'json':
      return param.array && Array.isArray(value) ? value.map((v) => JSON.stringify(v)) : JSON.stringify(value);
    case 'jsonPath': {
      const keys = parseJsonPath(String(value));
      if ('error' in keys) throw new GatewayError('validation-failed', keys.error, { path: param.path });
      return keys;
    }
    case 'nonNegativeInt':
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 2147483647) {
        throw new GatewayError('validation-failed', `expected a non-negative 32-bit integer for type 'Int', but found ${JSON.stringify(value)}`, { path: param.path });
      }
      return value;
  }
}

/** The values of a compiled statement's `$1…$n` for one request. */
export function bindParams(params: readonly Param[], variables: Variables, session: SessionVariables, runtime: RuntimeValues = {}): unknown[] {
  return params.map((param) => encode(param, resolveSource(param.source, variables, session, runtime)));
}

/** Values produced while executing a mutation (parent keys of nested inserts, counts). */
export type RuntimeValues = Readonly<Record<string, unknown>>;
