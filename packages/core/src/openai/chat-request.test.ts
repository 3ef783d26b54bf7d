import { describe, expect, it } from 'vitest';
import { ChatCompletionRequestSchema } from './chat-request.js';
import { parseWire } from './parse-wire.js';

const minimal = { model: 'qwen', messages: [{ role: 'user', content: 'Hello' }] };

function parsed(value: unknown): unknown {
  const result = parseWire(ChatCompletionRequestSchema, value);
  if (!result.ok) throw new Error(result.issue.message);
  return result.value;
}

function issueOf(value: unknown): { param: string; message: string; kind: string } {
  const result = parseWire(ChatCompletionRequestSchema, value);
  if (result.ok) throw new Error('expected the request to be rejected');
  return result.issue;
}

describe('chat completion request', () => {
  it('accepts a model and one user message', () => {
    expect(parsed(minimal)).toEqual(minimal);
  });

  it('accepts every sampling parameter at its documented bounds', () => {
    const request = {
      ...minimal,
      n: 1,
      stop: ['\n', 'END', 'x', 'y', 'z'],
      max_tokens: 0,
      max_completion_tokens: 128,
      temperature: 2,
      top_p: 0,
      frequency_penalty: -2,
      presence_penalty: 2,
      logprobs: true,
      top_logprobs: 20,
      logit_bias: { '50256': -100 },
      seed: -7,
      user: 'u-1',
      parallel_tool_calls: false,
      reasoning_effort: 'low',
      metadata: { team: 'search' },
      store: false,
      service_tier: 'auto',
      stream: true,
      stream_options: { include_usage: true, continuous_usage_stats: true },
    };
    expect(parsed(request)).toEqual(request);
  });

  it('accepts null for every optional field, as the OpenAI API does', () => {
    const request = {
      ...minimal,
      max_tokens: null,
      temperature: null,
      stop: null,
      tools: null,
      tool_choice: null,
      response_format: null,
      stream_options: null,
      seed: null,
    };
    expect(parsed(request)).toEqual(request);
  });

  it('keeps unknown fields untouched, at the top level and nested', () => {
    const request = {
      model: 'qwen',
      messages: [{ role: 'user', content: 'Hi', vendor_tag: { a: [1, 2] } }],
      stream: true,
      stream_options: { include_usage: true, future_flag: 'on' },
      top_k: 40,
      chat_template_kwargs: { enable_thinking: false },
      guided_json: { type: 'object' },
    };
    expect(parsed(structuredClone(request))).toStrictEqual(request);
  });

  it('accepts multi-part user content', () => {
    const request = {
      model: 'vl',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is in this image?' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA', detail: 'low' } },
            { type: 'input_audio', input_audio: { data: 'UklGRg==', format: 'wav' } },
            { type: 'file', file: { file_id: 'file-1', filename: 'a.pdf' } },
          ],
        },
      ],
    };
    expect(parsed(request)).toEqual(request);
  });

  it('passes content parts of unknown types through', () => {
    const request = {
      model: 'vl',
      messages: [{ role: 'user', content: [{ type: 'video_url', video_url: { url: 'https://x/v.mp4' } }] }],
    };
    expect(parsed(request)).toEqual(request);
  });

  it('accepts a tool round trip: tools, an assistant tool call with null content, and the tool answer', () => {
    const request = {
      model: 'qwen',
      messages: [
        { role: 'system', content: 'Use tools.' },
        { role: 'developer', content: [{ type: 'text', text: 'Be brief.' }] },
        { role: 'user', content: 'Weather in Paris?', name: 'ann' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: '{"celsius":21}' },
        { role: 'assistant', content: [{ type: 'refusal', refusal: 'No.' }] },
        { role: 'function', name: 'legacy', content: null },
      ],
      tools: [
        {
          type: 'function',
          function: {
            name: 'weather',
            description: 'Current weather',
            parameters: { type: 'object', properties: { city: { type: 'string' } } },
            strict: true,
          },
        },
      ],
      tool_choice: { type: 'function', function: { name: 'weather' } },
    };
    expect(parsed(request)).toEqual(request);
  });

  it.each(['none', 'auto', 'required'])('accepts tool_choice %j', (choice) => {
    expect(parsed({ ...minimal, tool_choice: choice })).toMatchObject({ tool_choice: choice });
  });

  it('accepts every response_format, including a json_schema', () => {
    const jsonSchema = {
      type: 'json_schema',
      json_schema: {
        name: 'answer',
        description: 'A single answer',
        schema: { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'] },
        strict: true,
      },
    };
    for (const format of [{ type: 'text' }, { type: 'json_object' }, jsonSchema]) {
      expect(parsed({ ...minimal, response_format: format })).toEqual({
        ...minimal,
        response_format: format,
      });
    }
  });
});

describe('chat completion request rejections', () => {
  it('names a missing messages array', () => {
    expect(issueOf({ model: 'qwen' })).toEqual({
      param: 'messages',
      message: "'messages' is required",
      kind: 'missing',
    });
  });

  it('rejects an empty messages array', () => {
    expect(issueOf({ model: 'qwen', messages: [] }).param).toBe('messages');
  });

  it('names the role of a message with an unknown role', () => {
    const issue = issueOf({ model: 'qwen', messages: [{ role: 'robot', content: 'x' }] });
    expect(issue.param).toBe('messages.0.role');
    expect(issue.message).toContain('got "robot"');
  });

  it('requires tool_call_id on tool messages', () => {
    expect(issueOf({ model: 'qwen', messages: [{ role: 'tool', content: 'x' }] }).param).toBe(
      'messages.0.tool_call_id',
    );
  });

  it('names content that is neither text nor parts', () => {
    expect(issueOf({ model: 'qwen', messages: [{ role: 'user', content: 42 }] }).param).toBe(
      'messages.0.content',
    );
  });

  it('names the field inside a malformed known content part', () => {
    const issue = issueOf({
      model: 'qwen',
      messages: [{ role: 'user', content: [{ type: 'text', text: 5 }] }],
    });
    expect(issue).toEqual({
      param: 'messages.0.content.0.text',
      message: "'messages.0.content.0.text' must be a string, got 5",
      kind: 'invalid',
    });
  });

  it('names the type of a content part that is not a string', () => {
    const issue = issueOf({ model: 'qwen', messages: [{ role: 'user', content: [{ type: 7 }] }] });
    expect(issue.message).toBe("'messages.0.content.0.type' must be a string, got 7");
  });

  it('says what temperature must be and what it got', () => {
    expect(issueOf({ ...minimal, temperature: 'hot' })).toEqual({
      param: 'temperature',
      message: `'temperature' must be a number between 0 and 2, got "hot"`,
      kind: 'invalid',
    });
    expect(issueOf({ ...minimal, temperature: 2.5 }).param).toBe('temperature');
  });

  it.each([-1, 1.5, '10'])('rejects max_tokens %j', (maxTokens) => {
    expect(issueOf({ ...minimal, max_tokens: maxTokens }).param).toBe('max_tokens');
  });

  it.each([
    ['n', 0],
    ['top_p', 1.1],
    ['top_logprobs', 21],
    ['presence_penalty', -3],
    ['stream', 'yes'],
    ['tool_choice', 'sometimes'],
  ])('rejects %s = %j', (field, value) => {
    expect(issueOf({ ...minimal, [field]: value }).param).toBe(field);
  });

  it('names the offending element of stop', () => {
    expect(issueOf({ ...minimal, stop: ['ok', 3] }).param).toBe('stop.1');
  });

  it('names fields nested in stream_options and response_format', () => {
    expect(issueOf({ ...minimal, stream_options: { include_usage: 'yes' } }).param).toBe(
      'stream_options.include_usage',
    );
    expect(issueOf({ ...minimal, response_format: { type: 'xml' } }).param).toBe('response_format.type');
    expect(issueOf({ ...minimal, response_format: { type: 'json_schema', json_schema: {} } }).param).toBe(
      'response_format.json_schema.name',
    );
  });
});
