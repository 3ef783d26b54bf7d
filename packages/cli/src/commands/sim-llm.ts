import { simLlmConfig, startSimLlm } from '@llmops/sim';
import { defineCommand } from '../command.js';

export const simLlmCommand = defineCommand({
  path: ['sim', 'llm'],
  summary: 'Run an OpenAI-compatible upstream that behaves like a vLLM server.',
  description:
    'Serves /v1/chat/completions, /v1/completions, /v1/embeddings, /v1/models, /health, /version and vllm:* metrics ' +
    'on /metrics, with a continuous-batching timing model, fault injection (SIM_FAULTS or the x-sim-fault header) ' +
    'and the ground-truth timeline of every request at /sim/requests/<x-request-id>.',
  config: simLlmConfig,
  async run(config, ctx) {
    return startSimLlm(config, {
      error: (obj, msg) => ctx.err(`${msg ?? 'error'}: ${String((obj as { err?: unknown }).err)}`),
    });
  },
});
