export { resolveSession, type Session, type SessionOptions } from './resolve-session.js';
