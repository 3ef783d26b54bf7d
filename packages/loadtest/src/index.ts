// Public surface of @llmops/loadtest (so far: the seed-000 load generator).
export * from './loadgen/loadgen-config.js';
export * from './loadgen/run-loadgen.js';
