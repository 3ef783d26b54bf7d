import { opt } from '@llmops/core';

/** `LOADTEST_HTTP_CLIENT`, one declaration for `llmops loadtest loadgen` and `llmops loadtest run`. */
export const httpClientOption = opt.enum(['lean', 'undici'], {
  env: 'LOADTEST_HTTP_CLIENT',
  default: 'lean',
  description:
    "HTTP client for plain-http targets: lean (llmops' own keep-alive HTTP/1.1 client, ~25% less CPU a request) or undici; https targets always use undici.",
});
