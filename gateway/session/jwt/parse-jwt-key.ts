import { createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import { Secret, type JwtKeySource, type JwtKeyType } from './jwt-config.js';

const curves: Partial<Record<JwtKeyType, string>> = { ES256: 'prime256v1', ES384: 'secp384r1', ES512: 'secp521r1' };

/** The key type a config `type` needs, and a word for messages. */
function expectedKeyType(type: JwtKeyType): { readonly asymmetric: string; readonly describe: string } {
  if (type.startsWith('RS')) return { asymmetric: 'rsa', describe: 'an RSA public key' };
  if (type.startsWith('ES')) return { asymmetric: 'ec', describe: `an EC public key on curve ${curves[type]}` };
  return { asymmetric: 'ed25519', describe: 'an Ed25519 public key' };
}

/**
 * Checks the `key` of a JWT config now, at startup, so a bad key fails the boot rather than
 * every request. HMAC secrets must be at least as long as the hash (`parseHmacKey`: "Key size
 * too small"); PEM keys may be SubjectPublicKeyInfo, PKCS#1 RSA or an X.509 certificate, as
 * Hasura's `fromRawPem` accepts. `fail` builds the error; messages never include the key.
 */
export function parseJwtKey(type: JwtKeyType, key: string, fail: (message: string) => Error): JwtKeySource {
  if (type === 'HS256' || type === 'HS384' || type === 'HS512') {
    const secret = new TextEncoder().encode(key);
    const minimum = Number(type.slice(2)) / 8;
    if (secret.length < minimum) throw fail(`"key" is too short for ${type}: it must be at least ${minimum} characters`);
    return { kind: 'shared-secret', type, secret: new Secret(secret) };
  }
  const pem = key.trim();
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem)) {
    throw fail(`"key" is a private key; give the public key or certificate for ${type} instead`);
  }
  const label = /-----BEGIN ([A-Z0-9 ]+)-----/.exec(pem)?.[1];
  const format = label === 'CERTIFICATE' ? 'x509' : label === 'RSA PUBLIC KEY' ? 'pkcs1' : label === 'PUBLIC KEY' ? 'spki' : undefined;
  if (format === undefined) throw fail(`"key" for ${type} must be a PEM public key ("BEGIN PUBLIC KEY") or X.509 certificate ("BEGIN CERTIFICATE")`);
  let publicKey: KeyObject;
  try {
    publicKey = format === 'x509' ? new X509Certificate(pem).publicKey : createPublicKey({ key: pem, format: 'pem' });
  } catch {
    throw fail(`"key" could not be decoded as a PEM ${format === 'x509' ? 'certificate' : 'public key'}`);
  }
  const expected = expectedKeyType(type);
  const details = publicKey.asymmetricKeyDetails ?? {};
  const curveMismatch = expected.asymmetric === 'ec' && details.namedCurve !== curves[type];
  if (publicKey.asymmetricKeyType !== expected.asymmetric || curveMismatch) {
    throw fail(`"key" is not ${expected.describe}, which type ${type} needs`);
  }
  if (expected.asymmetric === 'rsa' && (details.modulusLength ?? 0) < 2048) {
    throw fail(`"key" is an RSA key shorter than 2048 bits, too weak for ${type}`);
  }
  return { kind: 'public-key', type: type as Exclude<JwtKeyType, 'HS256' | 'HS384' | 'HS512'>, pem, format };
}
