export * from './raw-http.js';
export * from './turn-end.js';
