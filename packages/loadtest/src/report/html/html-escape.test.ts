import { describe, expect, it } from 'vitest';
import { escapeHtml, withoutUserinfo } from './html-escape.js';

describe('escapeHtml', () => {
  it('escapes the five characters that matter in content and quoted attributes', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });

  it('leaves other text, including non-ASCII, as it is', () => {
    expect(escapeHtml('qwen3 → 32b · ✓')).toBe('qwen3 → 32b · ✓');
  });
});

describe('withoutUserinfo', () => {
  it.each([
    ['https://alice:s3cret@llm.example.com/v1', 'https://llm.example.com/v1'],
    ['http://token@127.0.0.1:8000', 'http://127.0.0.1:8000'],
    ['HTTPS://A:B@HOST/x', 'HTTPS://HOST/x'],
    ['https://user:p@ss@host:8443/v1?x=1', 'https://host:8443/v1?x=1'],
  ])('removes the user and password from %s', (url, shown) => {
    expect(withoutUserinfo(url)).toBe(shown);
  });

  it.each([
    'https://llm.example.com/v1',
    'https://llm.example.com/v1?contact=ops@example.com',
    'https://llm.example.com/path/a@b',
    'not a url @ all',
  ])('keeps %s, which has no userinfo', (url) => {
    expect(withoutUserinfo(url)).toBe(url);
  });
});
