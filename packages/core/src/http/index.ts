export * from './raw-http.js';
