import { describe, expect, it } from 'vitest';
import { withIncludeUsage } from './include-usage.js';

describe('include_usage splice', () => {
  it('adds the member before the closing brace, keeping every other byte', () => {
    const sent = '{"model":"m","stream":true,"messages":[{"role":"user","content":"}"}]}';
    const out = withIncludeUsage(Buffer.from(sent))?.toString();
    expect(out).toBe(`${sent.slice(0, -1)},"stream_options":{"include_usage":true}}`);
    expect(JSON.parse(out ?? '')).toEqual({ ...JSON.parse(sent), stream_options: { include_usage: true } });
  });

  it('keeps whitespace after the object, and multi-byte text intact', () => {
    const sent = '{\n  "stream": true,\n  "prompt": "héllo ✓"\n}\r\n\t ';
    const out = withIncludeUsage(Buffer.from(sent))?.toString();
    expect(out).toBe(
      '{\n  "stream": true,\n  "prompt": "héllo ✓"\n,"stream_options":{"include_usage":true}}\r\n\t ',
    );
    expect(JSON.parse(out ?? '')).toMatchObject({
      prompt: 'héllo ✓',
      stream_options: { include_usage: true },
    });
  });

  it('declines bytes that do not end with an object', () => {
    expect(withIncludeUsage(Buffer.from('[1]'))).toBeUndefined();
    expect(withIncludeUsage(Buffer.from('}'))).toBeUndefined();
    expect(withIncludeUsage(Buffer.from('  '))).toBeUndefined();
  });
});
