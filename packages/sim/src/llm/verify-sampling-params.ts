import { CoreErrors } from '@llmops/core';

/** The sampling fields of a generation request that vLLM checks beyond their types. */
export interface SamplingFields {
  n?: number | null;
  stop?: string | string[] | null;
  max_tokens?: number | null;
  max_completion_tokens?: number | null;
  temperature?: number | null;
}

/** vLLM's `_SAMPLING_EPS`: a temperature below it means greedy sampling. */
const SAMPLING_EPS = 1e-5;

/**
 * Refuses what vLLM's `SamplingParams` refuses (`_verify_args`, `_verify_greedy_sampling`), in that order and with
 * its wording, as a 400 naming the parameter: a request the real server rejects must not pass the simulator.
 */
export function verifySamplingParams(body: SamplingFields): void {
  const maxParam = body.max_completion_tokens != null ? 'max_completion_tokens' : 'max_tokens';
  const maxTokens = body.max_completion_tokens ?? body.max_tokens;
  if (maxTokens != null && maxTokens < 1)
    throw invalid(`max_tokens must be at least 1, got ${maxTokens}.`, maxParam);
  const stop = typeof body.stop === 'string' ? [body.stop] : body.stop;
  if (stop?.some((s) => s.length === 0)) throw invalid('stop cannot contain an empty string.', 'stop');
  const n = body.n ?? 1;
  if (body.temperature != null && body.temperature < SAMPLING_EPS && n > 1)
    throw invalid(`n must be 1 when using greedy sampling, got ${n}.`, 'n');
}

function invalid(message: string, param: string): Error {
  return CoreErrors.error('invalid_parameter', { message }, { param });
}
