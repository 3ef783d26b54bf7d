// Stand-ins for things that cannot run here, each speaking the real wire format.
export * from './llm/index.js';
