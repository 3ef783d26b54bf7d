export * from './loadtest-run-config.js';
export * from './plan-from-scenario.js';
export * from './tenant-keys.js';
export * from './run-loadtest.js';
export * from './merge-runs.js';
