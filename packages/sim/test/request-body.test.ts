import { request as httpRequest } from 'node:http';
import type { RunningSimLlm } from '@llmops/sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSim } from './start-test-sim.js';

let sim: RunningSimLlm;
const LIMIT = 4096;

beforeAll(async () => {
  sim = await startTestSim({ zeroDelay: true, bodyLimit: LIMIT });
});
afterAll(async () => {
  await sim.close();
});

interface Answer {
  status: number;
  body: string;
}

/** POSTs to the chat route with the body in the given pieces (chunked when there are several, no length). */
function post(pieces: Array<string | Buffer>, contentType = 'application/json'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${sim.url}/v1/chat/completions`,
      { method: 'POST', headers: { 'content-type': contentType }, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      },
    );
    req.on('error', reject);
    let i = 0;
    const next = (): void => {
      if (i === pieces.length) {
        req.end();
        return;
      }
      req.write(pieces[i++]);
      // A turn of the event loop between pieces, so they reach the server as separate reads.
      setTimeout(next, 2);
    };
    next();
  });
}

const codeOf = (a: Answer): string => (JSON.parse(a.body) as { error: { code: string } }).error.code;

describe('request bodies on the generation routes', () => {
  it('reads a body that arrives in many pieces, byte for byte', async () => {
    const content = 'é'.repeat(300); // two bytes each: pieces may split a character
    const text = JSON.stringify({ model: 'sim-small', max_tokens: 3, messages: [{ role: 'user', content }] });
    const bytes = Buffer.from(text);
    const pieces: Buffer[] = [];
    for (let at = 0; at < bytes.length; at += 97) pieces.push(bytes.subarray(at, at + 97));
    const answer = await post(pieces);
    expect(answer.status).toBe(200);
    // 300 characters ≈ 75 tokens, plus the chat template's 4 per message and 3 for the reply.
    const usage = (JSON.parse(answer.body) as { usage: { prompt_tokens: number } }).usage;
    expect(usage.prompt_tokens).toBe(3 + 4 + Math.ceil(300 / 4));
  });

  it('answers bad JSON, a wrong content type and an oversized body in the error envelope, and keeps serving', async () => {
    const bad = await post(['{"model":', '"sim-small",']);
    expect(bad.status).toBe(400);
    expect(codeOf(bad)).toBe('invalid_json');
    const plain = await post(['hello'], 'text/plain');
    expect(plain.status).toBe(415);
    expect(codeOf(plain)).toBe('unsupported_media_type');
    // No length announced: the limit is found while reading, after several pieces.
    const big = await post(Array.from({ length: 8 }, () => 'x'.repeat(1024)));
    expect(big.status).toBe(413);
    expect(codeOf(big)).toBe('request_too_large');
    const ok = await post([
      JSON.stringify({ model: 'sim-small', max_tokens: 2, messages: [{ role: 'user', content: 'hi' }] }),
    ]);
    expect(ok.status).toBe(200);
  });
});
