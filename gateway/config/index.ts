export type { Config, LogLevel } from './config.js';
export { ConfigError, isConfigError, loadConfig } from './load-config.js';
