export { createLogger } from './logger.js';
export type { CreateLoggerOptions, Logger } from './logger.js';
export { addSecretPattern, redactSecrets, SECRET_PATTERNS } from './secret-patterns.js';
export type { SecretPattern } from './secret-patterns.js';
export { censorSecretKeys, isSecretKey, SECRET_KEYS } from './secret-keys.js';
export { redactLogLine } from './redact-line.js';
export { PrettyStream } from './pretty-stream.js';
