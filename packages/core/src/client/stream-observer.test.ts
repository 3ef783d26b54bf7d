import { describe, expect, it } from 'vitest';
import type { SseEvent } from '../sse/index.js';
import { emptyMeasurement } from './request-measurement.js';
import { observeJsonBody, StreamObserver } from './stream-observer.js';

const ev = (data: unknown, event = 'message'): SseEvent => ({
  event,
  data: typeof data === 'string' ? data : JSON.stringify(data),
  id: undefined,
  retry: undefined,
});
const delta = (d: Record<string, unknown>, extra: Record<string, unknown> = {}): SseEvent =>
  ev({
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    choices: [{ index: 0, delta: d, finish_reason: null }],
    ...extra,
  });

/** Feeds [time, event] pairs with the request sent at t=100. */
function run(trace: Array<[number, SseEvent]>): StreamObserver {
  const o = new StreamObserver(100);
  for (const [t, e] of trace) o.onEvent(e, t);
  return o;
}

describe('stream observer on a fixed trace', () => {
  it('computes every timing by hand-checked definitions', () => {
    const o = run([
      [110, delta({ role: 'assistant', content: '' })],
      [130, delta({ reasoning_content: 'think' })],
      [140, delta({ reasoning_content: 'more' })],
      [155, delta({ content: 'Hello' })],
      [160, delta({ content: ' world' })],
      [175, delta({ content: '!' }, {})],
      [
        176,
        ev({
          id: 'chatcmpl-1',
          choices: [],
          usage: { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 },
        }),
      ],
      [177, ev('[DONE]')],
    ]);
    expect(o.finished).toBe(true);
    const m = o.finish();
    expect(m.timeToFirstEvent).toBe(10);
    expect(m.ttft).toBe(30); // first reasoning token counts as a token
    expect(m.timeToFirstContent).toBe(55);
    expect(m.e2e).toBe(75); // last token-bearing chunk, not the usage chunk or [DONE]
    expect(m.interTokenGaps).toEqual([10, 15, 5, 15]);
    expect(m.tokenChunks).toBe(5);
    expect(m.outputTokens).toBe(5);
    expect(m.outputTokenSource).toBe('usage');
    expect(m.promptTokens).toBe(12);
    expect(m.tpot).toBeCloseTo((175 - 130) / (5 - 1), 10);
    expect(m.content).toBe('Hello world!');
    expect(m.requestId).toBe('chatcmpl-1');
  });

  it('takes cached prompt tokens and reasoning tokens from the usage details, streamed or not', () => {
    const usage = {
      prompt_tokens: 300,
      completion_tokens: 2,
      total_tokens: 302,
      prompt_tokens_details: { cached_tokens: 288 },
      completion_tokens_details: { reasoning_tokens: 1 },
    };
    const o = run([
      [110, delta({ content: 'a' })],
      [120, delta({ content: 'b' })],
      [121, ev({ id: 'chatcmpl-1', choices: [], usage })],
      [122, ev('[DONE]')],
    ]);
    const m = o.finish();
    expect(m.cachedPromptTokens).toBe(288);
    expect(m.reasoningTokens).toBe(1);
    expect(m.promptTokens).toBe(300);
    const json = emptyMeasurement(100, false);
    observeJsonBody(json, { id: 'x', choices: [{ message: { content: 'ab' } }], usage }, 150);
    expect(json.cachedPromptTokens).toBe(288);
    expect(json.outputTokens).toBe(2);
    // Servers without prefix-cache details leave it unknown rather than zero.
    expect(run([[110, delta({ content: 'a' })]]).finish().cachedPromptTokens).toBeNull();
  });

  it('falls back to counting chunks when usage is absent, and says so', () => {
    const o = run([
      [120, delta({ content: 'a' })],
      [130, delta({ content: 'b' })],
      [
        150,
        delta({ content: 'c' }, { choices: [{ index: 0, delta: { content: 'c' }, finish_reason: 'stop' }] }),
      ],
      [151, ev('[DONE]')],
    ]);
    const m = o.finish();
    expect(m.outputTokens).toBe(3);
    expect(m.outputTokenSource).toBe('chunks');
    expect(m.promptTokenSource).toBe('none');
    expect(m.tpot).toBe(15);
    expect(m.finishReason).toBe('stop');
  });

  it('counts tool-call deltas as tokens but not as visible content', () => {
    const o = run([
      [105, delta({ tool_calls: [{ index: 0, id: 'c1', function: { name: 'f', arguments: '' } }] })],
      [115, delta({ tool_calls: [{ index: 0, function: { arguments: '{}' } }] })],
      [116, ev('[DONE]')],
    ]);
    const m = o.finish();
    expect(m.ttft).toBe(5);
    expect(m.timeToFirstContent).toBeNull();
    expect(m.tokenChunks).toBe(2);
  });

  it("takes the TPOT and ITL of n > 1 choices from the first, not from every choice's tokens over one span", () => {
    // vLLM streams each choice in chunks of its own; two choices of 5 tokens, one step every 10 ms.
    const trace: Array<[number, SseEvent]> = [];
    for (let step = 0; step < 5; step++) {
      const t = 110 + 10 * step;
      for (const index of [0, 1])
        trace.push([
          t + index * 0.5,
          ev({ id: 'chatcmpl-1', choices: [{ index, delta: { content: `t${step}` }, finish_reason: null }] }),
        ]);
    }
    trace.push([
      151,
      ev({ id: 'chatcmpl-1', choices: [], usage: { prompt_tokens: 3, completion_tokens: 10 } }),
    ]);
    trace.push([152, ev('[DONE]')]);
    const m = run(trace).finish();
    expect(m.outputTokens).toBe(10); // every choice's tokens: output throughput
    expect(m.e2e).toBe(50.5);
    expect(m.tpot).toBe(10); // (150 − 110) / (5 − 1), not (150 − 110) / (10 − 1)
    // The first choice's gaps, not [0.5, 9.5, 0.5, 9.5, …] between chunks of different choices.
    expect(m.interTokenGaps).toEqual([10, 10, 10, 10]);
    expect(m.ttft).toBe(10);
    expect(m.content).toBe('t0t1t2t3t4');
  });

  it('has no TPOT for a single output token', () => {
    const m = run([
      [140, delta({ content: 'x' })],
      [141, ev('[DONE]')],
    ]).finish();
    expect(m.tpot).toBeNull();
    expect(m.interTokenGaps).toEqual([]);
  });

  it('reads legacy completion chunks (text instead of delta)', () => {
    const o = run([
      [110, ev({ id: 'cmpl-1', choices: [{ index: 0, text: ' one', finish_reason: null }] })],
      [120, ev({ id: 'cmpl-1', choices: [{ index: 0, text: ' two', finish_reason: 'length' }] })],
      [121, ev('[DONE]')],
    ]);
    const m = o.finish();
    expect(m.ttft).toBe(10);
    expect(m.content).toBe(' one two');
    expect(m.finishReason).toBe('length');
  });

  it('rejects an error object inside a 200 stream', () => {
    const o = new StreamObserver(0);
    expect(() => o.onEvent(ev({ error: { message: 'overloaded' } }), 1)).toThrow(/overloaded/);
  });

  it('rejects an event: error', () => {
    const o = new StreamObserver(0);
    expect(() => o.onEvent(ev('boom', 'error'), 1)).toThrowError(
      expect.objectContaining({ errorClass: 'stream_error' }),
    );
  });

  it('rejects a chunk that is not JSON', () => {
    const o = new StreamObserver(0);
    expect(() => o.onEvent(ev('{"id": broken'), 1)).toThrowError(
      expect.objectContaining({ errorClass: 'invalid_json' }),
    );
  });

  it('is not finished without [DONE]', () => {
    expect(run([[110, delta({ content: 'a' })]]).finished).toBe(false);
  });
});
