import type { RunningSimLlm } from '@llmops/sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSim } from './start-test-sim.js';

let sim: RunningSimLlm;

beforeAll(async () => {
  sim = await startTestSim({ zeroDelay: true });
});
afterAll(() => sim.close());

interface CompletionBody {
  choices: Array<{ index: number; text: string; finish_reason: string }>;
  usage: { prompt_tokens: number; completion_tokens: number; completion_tokens_details?: unknown };
}

async function complete(body: Record<string, unknown>): Promise<CompletionBody> {
  const res = await fetch(`${sim.url}/v1/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as CompletionBody;
}

/** The text and the final usage of a streamed completion. */
async function completeStreamed(body: Record<string, unknown>): Promise<{ text: string; usage: unknown }> {
  const res = await fetch(`${sim.url}/v1/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...body, stream: true, stream_options: { include_usage: true } }),
  });
  let text = '';
  let usage: unknown;
  for (const line of (await res.text()).split('\n')) {
    if (!line.startsWith('data: {')) continue;
    const chunk = JSON.parse(line.slice('data: '.length)) as {
      choices: Array<{ text: string }>;
      usage?: unknown;
    };
    text += chunk.choices[0]?.text ?? '';
    if (chunk.usage) usage = chunk.usage;
  }
  return { text, usage };
}

describe('legacy completions', () => {
  it('limits each prompt of a batch by its own room in the context window, not by the sum of the prompts', async () => {
    // sim-small: 32,768 tokens of context. Each prompt is 12,000 tokens: 12,000 + 10,000 fits, for each alone.
    const prompt = 'x'.repeat(4 * 12_000);
    const r = await complete({
      model: 'sim-small',
      prompt: [prompt, prompt],
      max_tokens: 10_000,
      ignore_eos: true,
    });
    expect(r.usage.prompt_tokens).toBe(24_000);
    expect(r.usage.completion_tokens).toBe(20_000);
    expect(r.choices.map((c) => c.finish_reason)).toEqual(['length', 'length']);
  });

  it('answers a reasoning model with the same whole text streamed or not, and no reasoning split', async () => {
    const body = { model: 'sim-reasoner', prompt: 'hello', max_tokens: 20, ignore_eos: true, seed: 7 };
    const whole = await complete(body);
    const streamed = await completeStreamed(body);
    expect(whole.usage.completion_tokens).toBe(20);
    expect(whole.choices[0]?.text).toBe(streamed.text);
    expect(whole.choices[0]?.text).toMatch(/^[A-Z]/); // the answer's first token, not one from its middle
    // vLLM's completions API has no reasoning parser: nothing is reported as reasoning, streamed or not.
    expect(whole.usage.completion_tokens_details).toBeUndefined();
    expect(streamed.usage).toMatchObject({ completion_tokens: 20 });
    expect(
      (streamed.usage as { completion_tokens_details?: unknown }).completion_tokens_details,
    ).toBeUndefined();
  });
});
