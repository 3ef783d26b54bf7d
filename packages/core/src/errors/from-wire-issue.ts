import type { WireIssue } from '../openai/parse-wire.js';
import { CoreErrors } from './core-errors.js';
import type { LlmopsError } from './llmops-error.js';

/** The 400 for a body `parseWire` rejected, with `param` set the way vLLM and OpenAI set it. */
export function fromWireIssue(issue: WireIssue): LlmopsError<'missing_parameter' | 'invalid_parameter'> {
  const param = issue.param === '' ? null : issue.param;
  if (issue.kind === 'missing')
    return CoreErrors.error('missing_parameter', { param: issue.param }, { param });
  return CoreErrors.error('invalid_parameter', { message: issue.message }, { param });
}
