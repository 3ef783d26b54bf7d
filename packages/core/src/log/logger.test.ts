import { Writable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from './logger.js';
import type { CreateLoggerOptions } from './logger.js';

/** A destination that keeps every line written to it. */
function capture(): { stream: Writable; text: () => string; records: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const text = (): string => chunks.join('');
  const records = (): Record<string, unknown>[] =>
    text()
      .split('\n')
      .filter((l) => l.length > 0)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { stream, text, records };
}

function loggerWithCapture(opts: CreateLoggerOptions = {}): ReturnType<typeof capture> & {
  log: ReturnType<typeof createLogger>;
} {
  const out = capture();
  return { ...out, log: createLogger({ level: 'trace', ...opts, destination: out.stream }) };
}

const SECRETS = [
  'sk-abc123456789',
  'sk-proj-XXXXXXXXXXXX',
  'upstream-secret-value',
  'nested-token-value',
  'cookie-value',
  'mgmt-token-value',
  'hunter2',
];

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('createLogger: secrets never reach the output', () => {
  it('redacts auth headers, secret fields, nested tokens and secret-looking text in messages', () => {
    const { log, text, records } = loggerWithCapture();
    log.info(
      {
        req: {
          method: 'POST',
          headers: { authorization: 'Bearer upstream-secret-value', cookie: 'cookie-value' },
        },
        headers: { Authorization: 'Bearer upstream-secret-value', 'x-api-key': 'upstream-secret-value' },
        apiKey: 'upstream-secret-value',
        upstream: { token: 'nested-token-value', managementToken: 'mgmt-token-value', url: 'https://x' },
        password: 'hunter2',
      },
      'calling upstream with Bearer sk-abc123456789 and key sk-proj-XXXXXXXXXXXX',
    );
    const out = text();
    for (const secret of SECRETS) expect(out).not.toContain(secret);
    expect(out).toContain('[redacted]');
    const [rec] = records();
    expect(rec).toMatchObject({
      req: { method: 'POST', headers: { authorization: '[redacted]', cookie: '[redacted]' } },
      headers: { Authorization: '[redacted]', 'x-api-key': '[redacted]' },
      apiKey: '[redacted]',
      upstream: { token: '[redacted]', managementToken: '[redacted]', url: 'https://x' },
      password: '[redacted]',
      msg: 'calling upstream with Bearer [redacted] and key sk-[redacted]',
    });
  });

  it('redacts secret keys at any depth and in any spelling (config dumps, upstream requests)', () => {
    const { log, text, records } = loggerWithCapture();
    log.info({
      upstream: {
        request: { headers: { 'API-Key': 'azure-key-value', 'X-Api-Key': 'anthropic-key-value' } },
      },
      config: { upstreams: [{ name: 'a', api_key: 'config-key-value' }] },
    });
    expect(text()).not.toMatch(/azure-key|anthropic-key|config-key/);
    expect(records()[0]).toMatchObject({
      upstream: { request: { headers: { 'API-Key': '[redacted]', 'X-Api-Key': '[redacted]' } } },
      config: { upstreams: [{ name: 'a', api_key: '[redacted]' }] },
    });
  });

  it('redacts keys named after the credential they hold (adminApiKey, OPENAI_API_KEY, client_secret)', () => {
    const { log, text } = loggerWithCapture();
    log.info({
      target: { url: 'http://aas', adminApiKey: 'admin-key-value' },
      env: { OPENAI_API_KEY: 'env-key-value', DB_PASSWORD: 'env-password-value' },
      oauth: { client_secret: 'client-secret-value' },
    });
    expect(text()).not.toMatch(/admin-key-value|env-key-value|env-password-value|client-secret-value/);
  });

  it('redacts header values in name/value lists such as rawHeaders', () => {
    const { log, text } = loggerWithCapture();
    log.info({ rawHeaders: ['Host', 'h', 'x-api-key', 'raw-key-value', 'Authorization', 'Basic cmF3OnB3'] });
    log.info({ headers: [['authorization', 'entry-token-value']] });
    expect(text()).not.toMatch(/raw-key-value|cmF3OnB3|entry-token-value/);
  });

  it('redacts secret keys of objects interpolated into the message', () => {
    const { log, text } = loggerWithCapture();
    log.info('loaded %j', { upstream: { apiKey: 'interpolated-key-value' } });
    log.info({ a: 1 }, 'loaded %o', { password: 'interpolated-password' });
    expect(text()).not.toMatch(/interpolated-/);
    expect(text()).toContain('[redacted]');
  });

  it('redacts secret keys of circular objects interpolated into the message', () => {
    const { log, text } = loggerWithCapture();
    const req: Record<string, unknown> = { headers: { 'x-api-key': 'circular-key-value' } };
    req.socket = { req };
    log.info('request %o', req);
    log.info('request %j', req);
    expect(text()).not.toContain('circular-key-value');
  });

  it('scrubs secrets from interpolated arguments, string fields, errors and child bindings', () => {
    const { log, text } = loggerWithCapture();
    log.warn('retrying with %s', 'Bearer sk-abc123456789');
    log.error({ err: new Error('401 for key sk-abc123456789'), note: 'token llmops_AbC123xyz789' }, 'failed');
    log.child({ authHeader: 'Bearer sk-proj-XXXXXXXXXXXX' }).info('child');
    const out = text();
    expect(out).not.toMatch(/sk-abc|sk-proj|AbC123/);
    expect(out).toContain('sk-[redacted]');
    expect(out).toContain('llmops_[redacted]');
  });

  it('scrubs credentials carried in URLs: query parameters and userinfo', () => {
    const { log, text, records } = loggerWithCapture();
    log.info(
      {
        upstream: 'https://generativelanguage.googleapis.com/v1beta/models?key=AIzaUrlKeyValue1',
        callback: 'https://app.example/cb?code=1&refresh_token=url-refresh-value',
        database: 'postgres://llm:url-db-password@db:5432/proxy',
      },
      'upstream call',
    );
    expect(text()).not.toMatch(/AIzaUrlKeyValue1|url-refresh-value|url-db-password/);
    expect(records()[0]).toMatchObject({
      upstream: 'https://generativelanguage.googleapis.com/v1beta/models?key=[redacted]',
      callback: 'https://app.example/cb?code=1&refresh_token=[redacted]',
      database: 'postgres://llm:[redacted]@db:5432/proxy',
    });
  });

  it('still writes valid JSON lines, and leaves harmless text alone', () => {
    const { log, records } = loggerWithCapture();
    log.info({ metric: 'llmops_requests_total', tokens: 42 }, 'sk-short stays; the "task-abcdefghijkl" too');
    expect(records()[0]).toMatchObject({
      metric: 'llmops_requests_total',
      tokens: 42,
      msg: 'sk-short stays; the "task-abcdefghijkl" too',
    });
  });

  it('redacts in pretty mode as well', () => {
    const { log, text } = loggerWithCapture({ pretty: true, name: 'proxy' });
    log.info({ apiKey: 'upstream-secret-value' }, 'using Bearer sk-abc123456789');
    expect(text()).toMatch(
      /^\d\d:\d\d:\d\d\.\d{3} INFO {2}\[proxy\] using Bearer \[redacted\] \{"apiKey":"\[redacted\]"\}\n$/,
    );
  });
});

describe('createLogger: cost', () => {
  it('keeps redaction cheap: 20k request lines well under 2 s', () => {
    const log = createLogger({ level: 'info', destination: { write: () => undefined } });
    const started = performance.now();
    for (let i = 0; i < 20_000; i++) {
      log.info(
        { req: { method: 'POST', headers: { authorization: 'Bearer x' } }, status: 200 },
        'request done',
      );
    }
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});

describe('createLogger: configuration', () => {
  it('uses LOG_LEVEL when no level is given', () => {
    vi.stubEnv('LOG_LEVEL', 'warn');
    const out = capture();
    const log = createLogger({ destination: out.stream });
    log.info('hidden');
    log.warn('shown');
    expect(out.records().map((r) => r.msg)).toEqual(['shown']);
  });

  it("defaults to 'info'", () => {
    vi.stubEnv('LOG_LEVEL', '');
    expect(createLogger({ destination: capture().stream }).level).toBe('info');
  });

  it('falls back to info, and says so, when LOG_LEVEL is not a level', () => {
    vi.stubEnv('LOG_LEVEL', 'verbose');
    const out = capture();
    expect(createLogger({ destination: out.stream }).level).toBe('info');
    expect(out.records()[0]?.msg).toMatch(/LOG_LEVEL "verbose"/);
  });

  it('throws on an unknown explicit level', () => {
    expect(() => createLogger({ level: 'loud', destination: capture().stream })).toThrow(/unknown log level/);
  });

  it('adds the name to every line', () => {
    const { log, records } = loggerWithCapture({ name: 'sim' });
    log.info('hello');
    expect(records()[0]).toMatchObject({ name: 'sim', msg: 'hello' });
  });
});
