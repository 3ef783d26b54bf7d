import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RequestRecord } from '../metrics/request-record.js';
import { JsonlReporter } from './jsonl-reporter.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'llmops-jsonl-'));
  dirs.push(dir);
  return join(dir, 'requests.jsonl');
}

function record(i: number): RequestRecord {
  const ok = i % 7 !== 0;
  return {
    scheduledAt: 1_700_000_000_000 + i,
    sentAt: 1_700_000_000_000 + i + 0.25,
    doneAt: 1_700_000_000_900 + i,
    queueMs: 0.25,
    model: i % 2 === 0 ? 'small-chat' : 'mid-chat "quoted" \u00e9\u{1f600}',
    testType: 'random_short',
    user: i % 13,
    ok,
    errorClass: ok ? null : 'stream_broken',
    status: ok ? 200 : 502,
    requestId: null,
    streamed: true,
    ttftMs: ok ? 120.5 + i : null,
    ttfcMs: ok ? 130 + i : null,
    e2eMs: ok ? 900 : null,
    tpotMs: ok ? 21.125 : null,
    itlMs: ok ? [20, 22.5, 21] : [],
    outputTokens: ok ? 40 : 3,
    outputTokenSource: ok ? 'usage' : 'chunks',
    promptTokens: 12,
    promptTokenSource: 'usage',
    costUSD: i % 5 === 0 ? null : 0.000123,
  };
}

describe('JsonlReporter', () => {
  it('writes one JSON line per record, which parse back equal', async () => {
    const path = tempFile();
    const r = new JsonlReporter(path);
    await r.onStart();
    const records = Array.from({ length: 2_000 }, (_, i) => record(i));
    for (const rec of records) r.onRecord(rec);
    await r.close();
    const lines = readFileSync(path, 'utf8').split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(records.length);
    expect(lines.map((l) => JSON.parse(l) as RequestRecord)).toEqual(records);
    expect(r.count).toBe(records.length);
  });

  it('keeps every record when written faster than the disk takes them (no drops under backpressure)', async () => {
    const path = tempFile();
    const r = new JsonlReporter(path);
    // Synchronous burst well past the stream's high-water mark, with no chance for the stream to drain.
    const n = 20_000;
    for (let i = 0; i < n; i++) r.onRecord(record(i));
    await r.close();
    expect(readFileSync(path, 'utf8').trimEnd().split('\n')).toHaveLength(n);
  });

  it('creates an empty file for a run without requests, and close can be called twice', async () => {
    const path = tempFile();
    const r = new JsonlReporter(path);
    await r.close();
    await r.close();
    expect(readFileSync(path, 'utf8')).toBe('');
  });

  it('fails at start, naming the path, when the file cannot be opened', async () => {
    const path = join(tempFile(), 'no-such-dir', 'x.jsonl');
    const r = new JsonlReporter(path);
    await expect(r.onStart()).rejects.toThrow(`cannot write request records to ${path}`);
    r.onRecord(record(1));
    await expect(r.close()).rejects.toThrow(/ENOENT/);
  });
});
