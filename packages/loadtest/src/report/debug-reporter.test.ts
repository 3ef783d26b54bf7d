import { describe, expect, it } from 'vitest';
import type { RequestRecord } from '../metrics/request-record.js';
import { DebugReporter, debugLine } from './debug-reporter.js';

const base: RequestRecord = {
  scheduledAt: 1_000,
  sentAt: 1_000,
  doneAt: 1_500,
  queueMs: 0,
  model: 'llm-prod',
  testType: 'cached',
  user: 3,
  ok: true,
  errorClass: null,
  status: 200,
  requestId: 'chatcmpl-1',
  streamed: true,
  ttftMs: 42.25,
  ttfcMs: 42.25,
  e2eMs: 480,
  tpotMs: 10,
  itlMs: [10],
  outputTokens: 12,
  outputTokenSource: 'usage',
  promptTokens: 64,
  promptTokenSource: 'usage',
  costUSD: null,
};

describe('debug lines (advanced.debug, --debug)', () => {
  it('say who asked what and how it went, one line a request', () => {
    expect(debugLine({ ...base, cachedPromptTokens: 48 })).toBe(
      '[request] user 3 | cached | llm-prod | ok 200 | ttft 42.3ms | e2e 480.0ms | tokens 64→12 | cached 48 | id chatcmpl-1',
    );
    expect(
      debugLine({
        ...base,
        ok: false,
        errorClass: 'http_5xx',
        status: 503,
        ttftMs: null,
        e2eMs: null,
        attempt: 2,
        queueMs: 12,
        requestId: null,
        error: 'the engine is overloaded',
      }),
    ).toBe(
      '[request] user 3 | cached | llm-prod | http_5xx 503 | ttft - | e2e - | tokens 64→12 | attempt 2 | queued 12.0ms | the engine is overloaded',
    );
  });

  it("never pass a server's control characters to the terminal (escape codes, a fake second line)", () => {
    const line = debugLine({
      ...base,
      requestId: 'id\u001b[2J\r\n[request] user 9 | ok 200',
      error: 'x\u001b]0;t\u0007',
    });
    expect([...line].some((c) => c.charCodeAt(0) < 32)).toBe(false);
    expect(line).toContain('| id id?[2J??[request] user 9 | ok 200 | x?]0;t?');
  });

  it('writes each finished request through the given writer', () => {
    const lines: string[] = [];
    const r = new DebugReporter((l) => lines.push(l));
    r.onRecord(base);
    r.onRecord({ ...base, user: 4 });
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^\[request\] user 4 /);
  });
});
