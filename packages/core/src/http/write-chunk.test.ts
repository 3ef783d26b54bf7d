import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { writeChunk } from './raw-http.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

let server: Server | undefined;
afterEach(async () => {
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  server = undefined;
});

async function listen(handler: Handler): Promise<number> {
  server = createServer(handler);
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

/**
 * Sends raw request bytes on one connection (the last request asks to close it) and resolves with every byte the
 * server sent until it closed.
 */
function exchange(port: number, raw: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    const socket = connect(port, '127.0.0.1', () => socket.write(raw));
    socket.on('data', (d: Buffer) => parts.push(d));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(parts)));
  });
}

const GET = (path: string, close = true) =>
  `GET ${path} HTTP/1.1\r\nHost: x\r\n${close ? 'Connection: close\r\n' : ''}\r\n`;

/** The body of a chunked response exactly as it was on the wire: chunk-size lines and CRLFs included. */
function wireBody(bytes: Buffer): string {
  const text = bytes.toString('latin1');
  return text.slice(text.indexOf('\r\n\r\n') + 4);
}

const UTF8_PIECES = ['data: {"content":"Grüße 🎉"}\n\n', 'x', 'data: [DONE]\n\n'];
const BYTES = Buffer.from([0x64, 0x3a, 0x20, 0xc3, 0xa9, 0xf0, 0x9f, 0x8e, 0x89, 0x0a, 0x0a]);

describe('writeChunk', () => {
  it('puts exactly the bytes res.write would on the wire, for UTF-8 text and for bytes read as latin1', async () => {
    const port = await listen((req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.flushHeaders();
      const fast = req.url === '/fast';
      for (const p of UTF8_PIECES) {
        if (fast) writeChunk(res, p);
        else res.write(p);
      }
      if (fast) writeChunk(res, BYTES.toString('latin1'), 'latin1');
      else res.write(BYTES);
      // Nothing to send: no chunk at all (an empty chunk would end the body).
      if (fast) writeChunk(res, '');
      res.end();
    });
    const fast = wireBody(await exchange(port, GET('/fast')));
    const plain = wireBody(await exchange(port, GET('/plain')));
    expect(fast).toBe(plain);
    expect(fast.endsWith('0\r\n\r\n')).toBe(true);
    expect(Buffer.from(fast, 'latin1').includes(BYTES)).toBe(true);
  });

  it('goes through res.write while the headers are not out: node:http sends them first', async () => {
    const port = await listen((_req, res) => {
      writeChunk(res, 'before ');
      // The headers are out now (after the first piece's write): the fast path from here on.
      writeChunk(res, 'headers');
      res.end();
    });
    const wire = (await exchange(port, GET('/'))).toString('latin1');
    expect(wire.startsWith('HTTP/1.1 200 OK\r\n')).toBe(true);
    expect(wire).toContain('Transfer-Encoding: chunked');
    expect(wireBody(Buffer.from(wire, 'latin1'))).toBe('7\r\nbefore \r\n7\r\nheaders\r\n0\r\n\r\n');
  });

  it('goes through res.write for a response queued behind a pipelined one', async () => {
    const paths: string[] = [];
    let first: ServerResponse | undefined;
    const port = await listen((req, res) => {
      paths.push(req.url ?? '');
      if (req.url === '/first') {
        first = res;
        return;
      }
      res.writeHead(200);
      res.flushHeaders();
      writeChunk(res, 'second ');
      // Queued behind /first: its bytes wait in node:http until /first is done.
      writeChunk(res, 'pipelined');
      res.end();
      setTimeout(() => {
        first!.writeHead(200);
        first!.end('first');
      }, 20);
    });
    const wire = (await exchange(port, GET('/first', false) + GET('/second'))).toString('latin1');
    expect(paths).toEqual(['/first', '/second']);
    const [a, b] = wire.split(/(?=HTTP\/1\.1 200)/);
    expect(wireBody(Buffer.from(a ?? '', 'latin1'))).toBe('5\r\nfirst\r\n0\r\n\r\n');
    expect(b).toContain('Transfer-Encoding: chunked');
    expect(wireBody(Buffer.from(b ?? '', 'latin1'))).toBe('7\r\nsecond \r\n9\r\npipelined\r\n0\r\n\r\n');
  });

  it('returns false when the socket is full, and the socket drains once the client reads', async () => {
    let drained!: () => void;
    const drainedP = new Promise<void>((r) => (drained = r));
    let sawFull = false;
    let client: Socket | undefined;
    const port = await listen((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.flushHeaders();
      const piece = `data: ${'x'.repeat(16 * 1024)}\n\n`;
      let n = 0;
      const pump = (): void => {
        while (n < 400) {
          n++;
          if (!writeChunk(res, piece)) {
            sawFull = true;
            res.socket!.once('drain', () => {
              drained();
              pump();
            });
            // The client starts reading only now.
            client?.resume();
            return;
          }
        }
        res.end();
      };
      pump();
    });
    const received = await new Promise<number>((resolve, reject) => {
      let bytes = 0;
      client = connect(port, '127.0.0.1', () => client!.write(GET('/')));
      client.pause();
      client.on('data', (d: Buffer) => (bytes += d.length));
      client.on('error', reject);
      client.on('close', () => resolve(bytes));
    });
    await drainedP;
    expect(sawFull).toBe(true);
    expect(received).toBeGreaterThan(400 * 16 * 1024);
  });
});
