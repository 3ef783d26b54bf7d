import { createServer, type AddressInfo } from 'node:net';

/**
 * An upstream that answers every request with a small JSON body and neither `Connection` nor `Keep-Alive` (as
 * vLLM's uvicorn does, which still closes idle connections after 5 s), and notes how long the client left its
 * connection idle after the last answer before closing it (-1 while open).
 */
export async function quietUpstream(): Promise<{
  url: string;
  idleMs: () => number;
  close: () => Promise<void>;
}> {
  let answeredAt = 0;
  let idleMs = -1;
  const server = createServer((socket) => {
    socket.on('error', () => {});
    socket.on('data', () => {
      const body = '{"object":"list","data":[]}';
      socket.write(
        `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body}`,
      );
      answeredAt = performance.now();
    });
    socket.on('close', () => (idleMs = performance.now() - answeredAt));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    idleMs: () => idleMs,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
