import { GatewayError } from '../errors/index.js';

/** Hasura's `validation-failed` error at a path of the request. */
export function validationError(path: string, message: string): GatewayError {
  return new GatewayError('validation-failed', message, { path, status: 400 });
}

/** How Hasura names the kind of a JSON/GraphQL value in "expected …, but found …" messages. */
export function describeValueKind(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string':
      return 'a string';
    case 'boolean':
      return 'a boolean';
    case 'number':
      return Number.isInteger(value) ? 'an integer' : 'a float';
    case 'object':
      return 'an object';
    default:
      return 'a value';
  }
}
