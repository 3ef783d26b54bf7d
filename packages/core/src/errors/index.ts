// One error model for all of llmops: registries of stable codes, one error class, one mapping to the OpenAI envelope.
export * from './llmops-error.js';
export * from './error-registry.js';
export * from './core-errors.js';
export * from './to-envelope.js';
export * from './from-wire-issue.js';
export * from './from-framework-error.js';
