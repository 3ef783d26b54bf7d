// OpenAI-compatible wire types: zod schemas for what clients send and servers answer, plus `parseWire` for 400s.
export * from './chat-content.js';
export * from './chat-messages.js';
export * from './chat-tools.js';
export * from './chat-request.js';
export * from './chat-response.js';
export * from './completions.js';
export * from './embeddings.js';
export * from './models.js';
export * from './usage.js';
export * from './error-envelope.js';
export { StreamOptionsSchema, type StreamOptions } from './fields.js';
export { parseWire, type WireIssue, type WireResult } from './parse-wire.js';
