import { inspect } from 'node:util';
import type { JsonPath } from './json-path.js';

/** The `type` values Hasura accepts with a `key`. */
export const jwtKeyTypes = ['HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512', 'Ed25519'] as const;
export type JwtKeyType = (typeof jwtKeyTypes)[number];

/**
 * A value that must never reach a log line or an error message. `JSON.stringify`, `String()`
 * and `util.inspect` (which pino and console use) all print a placeholder.
 */
export class Secret<T> {
  readonly #value: T;

  constructor(value: T) {
    this.#value = value;
  }

  reveal(): T {
    return this.#value;
  }

  toJSON(): string {
    return '<REDACTED>';
  }

  toString(): string {
    return '<REDACTED>';
  }

  [inspect.custom](): string {
    return 'Secret(<REDACTED>)';
  }
}

/** Where the verification key comes from. */
export type JwtKeySource =
  | { readonly kind: 'shared-secret'; readonly type: 'HS256' | 'HS384' | 'HS512'; readonly secret: Secret<Uint8Array> }
  /** `format` is what the PEM holds: a SubjectPublicKeyInfo, a PKCS#1 RSA key or an X.509 certificate. */
  | { readonly kind: 'public-key'; readonly type: Exclude<JwtKeyType, 'HS256' | 'HS384' | 'HS512'>; readonly pem: string; readonly format: 'spki' | 'pkcs1' | 'x509' }
  | { readonly kind: 'jwk-url'; readonly url: URL };

export type JwtClaimsFormat = 'json' | 'stringified_json';

/** A `claims_map` entry: a JSON path into the token's claims (with an optional default) or a literal. */
export type ClaimsMapValue<T> =
  | { readonly kind: 'path'; readonly path: JsonPath; readonly default: T | undefined }
  | { readonly kind: 'literal'; readonly value: T };

/** Where the `x-hasura-*` claims are found in the token. */
export type JwtClaimsSource =
  | { readonly kind: 'namespace'; readonly namespace: string; readonly format: JwtClaimsFormat }
  | { readonly kind: 'namespace-path'; readonly path: JsonPath; readonly format: JwtClaimsFormat }
  | {
      readonly kind: 'map';
      readonly allowedRoles: ClaimsMapValue<readonly string[]>;
      readonly defaultRole: ClaimsMapValue<string>;
      /** Other session variables, names lower-cased. */
      readonly variables: ReadonlyMap<string, ClaimsMapValue<string>>;
    };

/** Which request header carries the token. */
export type JwtHeaderSource =
  | { readonly kind: 'authorization' }
  | { readonly kind: 'cookie'; readonly name: string }
  | { readonly kind: 'custom-header'; readonly name: string };

/** A checked `HASURA_GRAPHQL_JWT_SECRET`. Safe to log: the shared secret is wrapped in `Secret`. */
export interface JwtConfig {
  readonly key: JwtKeySource;
  readonly claims: JwtClaimsSource;
  /** Accepted `aud` values; null when the config names none (then `aud` is not checked). */
  readonly audience: readonly string[] | null;
  readonly issuer: string | null;
  /** Grace on `exp` and `nbf`, in seconds. */
  readonly allowedSkewSeconds: number;
  readonly header: JwtHeaderSource;
}

export const defaultClaimsNamespace = 'https://hasura.io/jwt/claims';

/** What a verified token says about its bearer. */
export interface JwtSession {
  readonly allowedRoles: string[];
  readonly defaultRole: string;
  /**
   * The token's other `x-hasura-*` claims, names lower-cased, values as text: strings as they
   * are, numbers and booleans printed, arrays as Postgres array literals (`{a,b}`).
   */
  readonly variables: Record<string, string>;
  /** The token's `exp`, if it has one: when a websocket opened with it must close. */
  readonly expiresAt: Date | null;
}
