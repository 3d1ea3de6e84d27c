/**
 * Generating service keys and hashing them. Only the hash is stored (in metadata, and so in git
 * for metadata-as-code); the key itself is shown once, by `sluice_create_service_key`.
 *
 * Key: `sk_` followed by 43 base64url characters, the encoding of 32 random bytes. Anything else
 * is refused before hashing, so a request cannot make us run scrypt on arbitrary input.
 *
 * Hash: `scrypt$<salt>$<hash>` — salt 16 random bytes, hash the 32-byte scrypt output of the
 * whole key (`sk_` included) with N = 2^14, r = 8, p = 1; both base64url without padding
 * (standard base64 is accepted too). The parameters are fixed by the `scrypt` prefix; a future
 * change of cost would use a new prefix.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

export const serviceKeyPattern = /^sk_[A-Za-z0-9_-]{43}$/;

const scryptOptions = { N: 2 ** 14, r: 8, p: 1 } as const;
const hashLength = 32;
const saltLength = 16;
const base64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

export interface ParsedServiceKeyHash {
  readonly salt: Buffer;
  readonly hash: Buffer;
}

/** A new random key: `sk_` and 43 base64url characters (256 bits). */
export function generateServiceKey(): string {
  return `sk_${randomBytes(32).toString('base64url')}`;
}

function deriveKey(key: string, salt: Buffer): Promise<Buffer> {
  // Asynchronous: scrypt runs on libuv's thread pool, not on the event loop.
  return new Promise((resolve, reject) => {
    scrypt(key, salt, hashLength, scryptOptions, (error, derived) => (error ? reject(error) : resolve(derived)));
  });
}

/** The stored form of `key`, with a fresh salt. */
export async function hashServiceKey(key: string): Promise<string> {
  const salt = randomBytes(saltLength);
  const hash = await deriveKey(key, salt);
  return `scrypt$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

/** The salt and hash of a stored `key_hash`, or null when it is not in our format. */
export function parseServiceKeyHash(text: string): ParsedServiceKeyHash | null {
  const parts = text.split('$');
  if (parts.length !== 3 || parts[0] !== 'scrypt' || !base64.test(parts[1]!) || !base64.test(parts[2]!)) return null;
  const salt = Buffer.from(parts[1]!, 'base64');
  const hash = Buffer.from(parts[2]!, 'base64');
  if (salt.length < saltLength || hash.length !== hashLength) return null;
  return { salt, hash };
}

/**
 * Whether `key` hashes to `keyHash`. The final comparison is `timingSafeEqual` on two 32-byte
 * buffers, so its duration does not depend on how many leading bytes agree. A stored hash we
 * cannot read still costs one comparison (against itself) and never matches.
 */
export async function serviceKeyMatchesHash(key: string, keyHash: string): Promise<boolean> {
  const parsed = parseServiceKeyHash(keyHash);
  const salt = parsed?.salt ?? Buffer.alloc(saltLength);
  const derived = await deriveKey(key, salt);
  const expected = parsed?.hash ?? derived;
  return timingSafeEqual(derived, expected) && parsed !== null;
}
