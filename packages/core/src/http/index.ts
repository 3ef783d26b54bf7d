export * from './raw-http.js';
export * from './turn-end.js';
export * from './lean-response.js';
export * from './lean-server.js';
