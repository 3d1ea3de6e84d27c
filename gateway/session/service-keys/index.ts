export { createServiceKeyVerifier, type ServiceKeyVerifier, type ServiceKeyVerifierOptions } from './create-service-key-verifier.js';
export { extractServiceKey } from './extract-service-key.js';
export { selectServiceRole } from './select-service-role.js';
export { generateServiceKey, hashServiceKey, parseServiceKeyHash, serviceKeyMatchesHash, serviceKeyPattern } from './service-key-hash.js';
export { isServiceKeyExpired, type ServiceKeyMatch, type ServiceKeyRecord } from './service-key-record.js';
