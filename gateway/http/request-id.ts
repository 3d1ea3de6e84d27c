import { randomUUID } from 'node:crypto';

/**
 * The request's id: the caller's `x-request-id` when it is a plain token (it is echoed and
 * logged, so nothing that could split a log line or a header), else a new UUID.
 */
export function requestIdOf(given: string | null | undefined): string {
  return given && /^[\w.-]{1,128}$/.test(given) ? given : randomUUID();
}
