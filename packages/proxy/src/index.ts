// Public surface of @llmops/proxy.
export * from './store/index.js';
export * from './crypto/index.js';
export * from './manage/index.js';
