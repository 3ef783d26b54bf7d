export { SseParser } from './sse-parser.js';
export type { SseEvent } from './sse-parser.js';
export { sseEvent, sseData, sseJson, sseComment, isDone, SSE_DONE, SSE_DONE_DATA } from './sse-writer.js';
export type { SseEventInit } from './sse-writer.js';
