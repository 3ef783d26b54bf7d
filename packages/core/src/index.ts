// Public surface of @llmops/core. Other packages import only from here (see the exports map).
export * from './openai/index.js';
export * from './errors/index.js';
export * from './config/index.js';
export * from './sse/index.js';
export * from './metrics/index.js';
export * from './log/index.js';
export * from './client/index.js';
export * from './http/index.js';
export * from './time.js';
