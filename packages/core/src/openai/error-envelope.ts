import { z } from 'zod';

/**
 * The `type` values this toolkit emits. OpenAI documents no closed list; these are the ones its API and SDKs
 * use, and keeping ours to them means OpenAI SDKs classify our errors the way they classify OpenAI's.
 */
export const OPENAI_ERROR_TYPES = [
  'invalid_request_error',
  'authentication_error',
  'permission_error',
  'not_found_error',
  'rate_limit_error',
  'server_error',
] as const;
export type OpenAIErrorType = (typeof OPENAI_ERROR_TYPES)[number];

/**
 * `{error: {message, type, param, code}}`, the body of every non-2xx answer. `type` stays a free string here so
 * that envelopes from other servers still parse; what we emit is constrained by the error registry instead.
 */
export const OpenAIErrorEnvelopeSchema = z.looseObject({
  error: z.looseObject({
    message: z.string(),
    type: z.string(),
    param: z.string().nullable(),
    code: z.string().nullable(),
  }),
});
export type OpenAIErrorEnvelope = z.output<typeof OpenAIErrorEnvelopeSchema>;
