import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { closeRawUpstreams, rawUpstream } from './raw-upstream.test-support.js';
import { UpstreamClient } from './upstream-client.js';

/** A raw upstream answering each request `delayMs` after it arrives; `paths` in the order they reached it. */
async function slowUpstream(delayMs: number): Promise<{ baseUrl: string; paths: string[] }> {
  const up = await rawUpstream((req, socket) => {
    setTimeout(() => {
      if (!socket.destroyed)
        socket.write('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}');
    }, delayMs);
  });
  return {
    baseUrl: up.origin,
    get paths() {
      return up.requests.map((r) => r.split(' ')[1] as string);
    },
  };
}

const clients: UpstreamClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) await c.close();
  await closeRawUpstreams();
});

function oneConnection(http: 'lean' | 'undici', timeouts: ConstructorParameters<typeof UpstreamClient>[0]) {
  const c = new UpstreamClient({ connections: 1, http, ...timeouts });
  clients.push(c);
  return c;
}

// The same behaviour with both HTTP clients measure() can use.
describe.each(['lean', 'undici'] as const)(
  'a measured request waiting for a pooled connection (%s)',
  (http) => {
    it('ends at its total timeout, on time, and is never sent', async () => {
      const up = await slowUpstream(600);
      const client = oneConnection(http, { timeouts: { totalMs: 10_000 } });
      const busy = client.measure({ baseUrl: up.baseUrl, path: '/busy', body: { x: 1 } });
      const t0 = performance.now();
      const queued = await client.measure({
        baseUrl: up.baseUrl,
        path: '/queued',
        body: { x: 2 },
        timeouts: { totalMs: 150 },
      });
      const waited = performance.now() - t0;
      expect(queued).toMatchObject({ ok: false, errorClass: 'timeout_total', status: 0 });
      expect(waited).toBeGreaterThanOrEqual(140);
      expect(waited).toBeLessThan(450);
      expect(queued.blockedMs).toBeGreaterThanOrEqual(140);
      expect((await busy).ok).toBe(true);
      await sleep(100); // time for the freed connection to carry /queued, were it sent
      expect(up.paths).toEqual(['/busy']);
    });

    it('ends at once when the caller aborts, and is never sent', async () => {
      const up = await slowUpstream(600);
      const client = oneConnection(http, { timeouts: { totalMs: 10_000 } });
      const busy = client.measure({ baseUrl: up.baseUrl, path: '/busy', body: { x: 1 } });
      const ac = new AbortController();
      const t0 = performance.now();
      const queued = client.measure({
        baseUrl: up.baseUrl,
        path: '/queued',
        body: { x: 2 },
        signal: ac.signal,
      });
      setTimeout(() => ac.abort(), 100);
      const m = await queued;
      expect(m).toMatchObject({ ok: false, errorClass: 'aborted' });
      expect(performance.now() - t0).toBeLessThan(400);
      expect((await busy).ok).toBe(true);
      // The connection the aborted request gave up serves the next one.
      expect((await client.measure({ baseUrl: up.baseUrl, path: '/next', body: { x: 3 } })).ok).toBe(true);
      expect(up.paths).toEqual(['/busy', '/next']);
    });

    it('counts its first-byte timeout from the write, not from the wait for the connection', async () => {
      // Each answer takes 300 ms; the third request waits ~600 ms for the connection, longer than firstByteMs.
      const up = await slowUpstream(300);
      const client = oneConnection(http, { timeouts: { firstByteMs: 450, totalMs: 10_000 } });
      const all = await Promise.all(
        ['/a', '/b', '/c'].map((path) => client.measure({ baseUrl: up.baseUrl, path, body: { path } })),
      );
      expect(all.map((m) => m.errorClass)).toEqual([null, null, null]);
      expect(all[2]?.blockedMs).toBeGreaterThan(450);
      expect(all[2]?.timeToHeaders).toBeLessThan(450);
      expect(up.paths).toEqual(['/a', '/b', '/c']);
    });
  },
);
