import { defineErrors } from '@llmops/core';

/** Errors only the LLM simulator answers with (the shared ones come from CoreErrors). Codes are stable. */
export const SimErrors = defineErrors({
  model_not_supported: {
    status: 400,
    type: 'invalid_request_error',
    message: ({ model, api }: { model: string; api: string }) =>
      `The model '${model}' does not support the ${api} API.`,
  },
  /** vLLM's wording, which clients parse to shorten prompts. */
  context_length_exceeded: {
    status: 400,
    type: 'invalid_request_error',
    message: ({ limit, prompt, completion }: { limit: number; prompt: number; completion: number }) =>
      `This model's maximum context length is ${limit} tokens. However, you requested ${prompt + completion} tokens ` +
      `(${prompt} in the messages, ${completion} in the completion). Please reduce the length of the messages or completion.`,
  },
  invalid_fault_header: {
    status: 400,
    type: 'invalid_request_error',
    message: ({ detail }: { detail: string }) => detail,
  },
  timeline_not_found: {
    status: 404,
    type: 'invalid_request_error',
    message: ({ id }: { id: string }) =>
      `No timeline for request '${id}': it is unknown or older than the timeline capacity.`,
  },
});
