export { resolveSession, type Session, type SessionOptions } from './resolve-session.js';
export { createSessionResolver, type SessionResolver, type SessionResolverOptions } from './create-session-resolver.js';
export { nodeRequestHeaders, type RequestHeaders } from './request-headers.js';
export { readBackendOnlyHeader } from './read-backend-only-header.js';
