import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { IncomingMessage } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { RunningSimLlm } from '@llmops/sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSim } from './start-test-sim.js';

let sim: RunningSimLlm;
/** What the simulator did, in order: `read X` when request X was read, `write X` at the first write of its answer. */
const events: string[] = [];
const answering = new WeakMap<Socket, string>();
const written = new Set<string>();

function onRequestStart(message: unknown): void {
  const { request, socket } = message as { request: IncomingMessage; socket: Socket };
  const id = String(request.headers['x-test-id']);
  events.push(`read ${id}`);
  answering.set(socket, id);
  const s = socket as Socket & { _writev: Socket['_writev']; _write: Socket['_write'] };
  if ((s as { wrapped?: boolean }).wrapped) return;
  (s as { wrapped?: boolean }).wrapped = true;
  const log = (): void => {
    const current = answering.get(socket) as string;
    if (!written.has(current)) {
      written.add(current);
      events.push(`write ${current}`);
    }
  };
  const { _writev: writev, _write: write } = s;
  s._writev = function (...args) {
    log();
    return writev?.apply(this, args);
  };
  s._write = function (...args) {
    log();
    return write.apply(this, args);
  };
}

beforeAll(async () => {
  sim = await startTestSim({ zeroDelay: true });
  subscribe('http.server.request.start', onRequestStart);
});
afterAll(async () => {
  unsubscribe('http.server.request.start', onRequestStart);
  await sim.close();
});

function open(): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(sim.port, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
}

/** Resolves with the whole response once its declared length (or the chunked terminator) has arrived. */
function response(s: Socket): Promise<string> {
  return new Promise((resolve) => {
    let got = '';
    const onData = (d: Buffer): void => {
      got += d.toString('latin1');
      const head = got.indexOf('\r\n\r\n');
      if (head < 0) return;
      const length = /content-length: (\d+)/i.exec(got.slice(0, head));
      const complete = length ? got.length - head - 4 >= Number(length[1]) : got.endsWith('0\r\n\r\n');
      if (complete) {
        s.off('data', onData);
        resolve(got);
      }
    };
    s.on('data', onData);
  });
}

function requestText(id: string, body: object): string {
  const json = JSON.stringify(body);
  return (
    `POST /v1/chat/completions HTTP/1.1\r\nHost: sim\r\nContent-Type: application/json\r\n` +
    `Content-Length: ${Buffer.byteLength(json)}\r\nX-Test-Id: ${id}\r\n\r\n${json}`
  );
}

/** Sends one request on each of two connections in the same tick: the simulator reads both in one turn. */
async function twoAtOnce(round: string, body: object): Promise<string[]> {
  const [a, b] = [await open(), await open()];
  try {
    events.length = 0;
    const answers = Promise.all([response(a), response(b)]);
    a.write(requestText(`${round}-A`, body));
    b.write(requestText(`${round}-B`, body));
    const [ra, rb] = await answers;
    expect(ra).toMatch(/^HTTP\/1\.1 200/);
    expect(rb).toMatch(/^HTTP\/1\.1 200/);
    return [...events];
  } finally {
    a.destroy();
    b.destroy();
  }
}

describe('zero-delay answers and the end of the loop turn', () => {
  const messages = [{ role: 'user', content: 'hi' }];

  it('sends the small answers produced in one turn together, after every request of the turn was read', async () => {
    const json = await twoAtOnce('json', { model: 'sim-small', max_tokens: 8, messages });
    expect(json).toEqual(['read json-A', 'read json-B', 'write json-A', 'write json-B']);
    const stream = await twoAtOnce('sse', { model: 'sim-small', max_tokens: 8, stream: true, messages });
    expect(stream).toEqual(['read sse-A', 'read sse-B', 'write sse-A', 'write sse-B']);
  });

  it('sends a large answer at once, before the next request is read', async () => {
    const body = { model: 'sim-small', max_tokens: 1000, ignore_eos: true, stream: true, messages };
    const large = await twoAtOnce('large', body);
    expect(large).toEqual(['read large-A', 'write large-A', 'read large-B', 'write large-B']);
  });

  it('still records each answer in the ground truth', async () => {
    await twoAtOnce('truth', { model: 'sim-small', max_tokens: 8, messages });
    const truth = (await (await fetch(`${sim.url}/sim/requests?limit=2`)).json()) as {
      data: Array<{ status: number; finishedAt: number; completionTokens: number }>;
    };
    expect(truth.data).toHaveLength(2);
    for (const t of truth.data) expect(t).toMatchObject({ status: 200, completionTokens: 8 });
  });
});
