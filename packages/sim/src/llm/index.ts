export * from './model-profile.js';
export * from './faults.js';
export * from './ground-truth.js';
export * from './sim-llm-config.js';
export * from './sim-server.js';
export * from './sim-state.js';
export * from './start-sim-llm.js';
export { embedText } from './embeddings-route.js';
export { SimErrors } from './sim-errors.js';
