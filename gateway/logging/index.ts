export { createLogger } from './create-logger.js';
export { redactUrl } from './redact-url.js';
