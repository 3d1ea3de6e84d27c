import { GatewayError } from '../errors/index.js';

const truthValues = ['true', 't', 'yes', 'y'];
const falseValues = ['false', 'f', 'no', 'n'];

/**
 * `x-hasura-use-backend-only-permissions` as Hasura reads it: any of its boolean words, in any
 * case; absent is false. Anything else is refused with Hasura's own message (two spaces and all)
 * rather than read as false, so a caller who meant to use backend-only permissions learns why
 * they did not apply.
 */
export function readBackendOnlyHeader(value: string | undefined): boolean {
  if (value === undefined) return false;
  const lower = value.trim().toLowerCase();
  if (truthValues.includes(lower)) return true;
  if (falseValues.includes(lower)) return false;
  throw new GatewayError(
    'bad-request',
    `x-hasura-use-backend-only-permissions:  Not a valid boolean text. True values are ${JSON.stringify(truthValues)} and  False values are ${JSON.stringify(falseValues)}. All values are case insensitive`,
  );
}
