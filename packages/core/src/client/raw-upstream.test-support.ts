import { createServer, type Socket } from 'node:net';

/** A raw TCP upstream: `reply` gets each request's raw head (and body) and the socket to answer on. */
export interface RawUpstream {
  origin: string;
  requests: string[];
  connections: number;
  closed: number;
  close(): Promise<void>;
}

const open = new Set<RawUpstream>();

/** Stops every raw upstream still listening (for an afterEach). */
export async function closeRawUpstreams(): Promise<void> {
  for (const u of [...open]) await u.close();
}

export async function rawUpstream(
  reply: (req: string, socket: Socket, n: number) => void | Promise<void>,
): Promise<RawUpstream> {
  const state = { requests: [] as string[], connections: 0, closed: 0 };
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    state.connections++;
    sockets.add(socket);
    socket.on('close', () => {
      state.closed++;
      sockets.delete(socket);
    });
    socket.on('error', () => {});
    let buf = '';
    socket.on('data', (d) => {
      buf += d.toString('latin1');
      for (;;) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const len = Number(/content-length: (\d+)/i.exec(buf.slice(0, end))?.[1] ?? 0);
        if (buf.length < end + 4 + len) return;
        const req = buf.slice(0, end + 4 + len);
        buf = buf.slice(end + 4 + len);
        state.requests.push(req);
        void reply(req, socket, state.requests.length);
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const upstream: RawUpstream = {
    origin: `http://127.0.0.1:${port}`,
    get requests() {
      return state.requests;
    },
    get connections() {
      return state.connections;
    },
    get closed() {
      return state.closed;
    },
    close: async () => {
      open.delete(upstream);
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
  open.add(upstream);
  return upstream;
}
