export * from './client-error.js';
export * from './request-measurement.js';
export * from './stream-observer.js';
export * from './upstream-client.js';
export { MeasureHandler, errorMessageOf } from './measure-handler.js';
export * from './usage-counts.js';
export * from './lean-dispatcher.js';
