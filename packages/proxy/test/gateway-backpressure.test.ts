import { connect, createServer, type Server, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type Gateway } from './gateway-harness.js';

const EVENTS = 60_000;
/**
 * ~1 KiB an event: the stream is ~60 MiB, well over what the socket buffers between the three processes can hold
 * (up to ~14 MB measured through undici, whose connection's receive buffer had grown while it read at full speed;
 * with 20 MiB that made one run in four write more than half the stream while the client read nothing).
 */
const PAD = 'x'.repeat(1000);

/**
 * An upstream that streams EVENTS numbered SSE events as fast as its socket takes them, respecting backpressure
 * itself, and counts what it has written: if the gateway stops reading while its client does, this stalls.
 */
async function streamingUpstream(): Promise<{ url: string; written: () => number; server: Server }> {
  let written = 0;
  const server = createServer((socket: Socket) => {
    socket.on('error', () => {});
    let buf = '';
    socket.on('data', (d) => {
      buf += d.toString('latin1');
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const len = Number(/content-length: (\d+)/i.exec(buf.slice(0, end))?.[1] ?? 0);
      if (buf.length < end + 4 + len) return;
      buf = '';
      void (async () => {
        socket.write(
          'HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n',
        );
        for (let i = 0; i <= EVENTS; i++) {
          const ev =
            i === EVENTS
              ? 'data: [DONE]\n\n'
              : `data: {"id":"c","choices":[{"index":0,"delta":{"content":"${i}:${PAD}"}}],"usage":null}\n\n`;
          const chunk = `${ev.length.toString(16)}\r\n${ev}\r\n`;
          written += chunk.length;
          if (!socket.write(chunk)) await new Promise((r) => socket.once('drain', r));
        }
        socket.write('0\r\n\r\n');
      })();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}`, written: () => written, server };
}

/** The body of a chunked HTTP/1.1 response, decoded. */
function dechunk(raw: Buffer): string {
  let pos = raw.indexOf('\r\n\r\n') + 4;
  let out = '';
  for (;;) {
    const nl = raw.indexOf('\r\n', pos);
    const size = parseInt(raw.toString('latin1', pos, nl), 16);
    if (!(size > 0)) return out;
    out += raw.toString('utf8', nl + 2, nl + 2 + size);
    pos = nl + 2 + size + 2;
  }
}

describe.each([
  ['lean', 'lean'],
  ['undici', 'lean'],
  ['lean', 'node'],
] as const)('a slow client through UPSTREAM_CLIENT=%s and INBOUND_HTTP=%s', (upstreamClient, inboundHttp) => {
  let gw: Gateway;
  let up: Awaited<ReturnType<typeof streamingUpstream>>;
  let token: string;
  beforeAll(async () => {
    up = await streamingUpstream();
    gw = await startGateway({ proxy: { upstreamClient, inboundHttp, openaiApiUrl: up.url } });
    ({ token } = await gw.newToken());
  });
  afterAll(async () => {
    await gw.close();
    await new Promise((r) => up.server.close(r));
  });

  it('holds the upstream back while the client does not read, then relays every event in order', async () => {
    const body = JSON.stringify({ model: 'm', stream: true, messages: [{ role: 'user', content: 'hi' }] });
    const port = new URL(gw.proxy.url).port;
    const client = connect(Number(port), '127.0.0.1');
    client.pause();
    const parts: Buffer[] = [];
    const ended = new Promise<void>((r) => client.once('end', r));
    client.on('data', (d: Buffer) => parts.push(d));
    client.write(
      `POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${token}\r\n` +
        `content-type: application/json\r\nconnection: close\r\ncontent-length: ${body.length}\r\n\r\n${body}`,
    );
    // The client reads nothing for a second: kernel buffers fill, then the gateway must stop reading upstream.
    await sleep(1000);
    const writtenWhilePaused = up.written();
    const total = EVENTS * (PAD.length + 80);
    expect(writtenWhilePaused).toBeGreaterThan(0);
    expect(writtenWhilePaused, 'bytes the upstream got rid of while the client read nothing').toBeLessThan(
      total / 2,
    );
    client.resume();
    await ended;
    const text = dechunk(Buffer.concat(parts));
    const events = text.split('\n\n').filter((e) => e !== '');
    expect(events).toHaveLength(EVENTS + 1);
    expect(events[EVENTS]).toBe('data: [DONE]');
    for (let i = 0; i < EVENTS; i += 997) expect(events[i]).toContain(`"content":"${i}:x`);
    expect(events.every((e, i) => i === EVENTS || e.includes(`"content":"${i}:`))).toBe(true);
  });
});
