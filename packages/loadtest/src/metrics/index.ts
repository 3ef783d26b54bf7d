export * from './request-record.js';
export * from './timeline.js';
export * from './run-metrics.js';
export * from './run-report.js';
export * from './run-result.js';
export * from './error-samples.js';
