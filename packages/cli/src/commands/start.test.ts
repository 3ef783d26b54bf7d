import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@llmops/core';
import { describe, expect, it } from 'vitest';
import { startCommand, startConfig } from './start.js';

const listen = (port: number): Promise<Server> =>
  new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(port, '127.0.0.1', () => resolve(s));
  });
const close = (s: Server): Promise<void> => new Promise((r) => s.close(() => r()));

describe('llmops start', () => {
  it('leaves nothing running when the gateway cannot start: the simulator it started is closed', async () => {
    const taken = await listen(0);
    const free = await listen(0);
    const simPort = (free.address() as { port: number }).port;
    await close(free);
    const dataDir = mkdtempSync(join(tmpdir(), 'llmops-start-fail-'));
    try {
      const config = loadConfig(startConfig, {
        env: {},
        flags: {
          simPort,
          proxyPort: (taken.address() as { port: number }).port,
          dataDir,
          demoLoad: false,
        },
      });
      const ctx = {
        out: () => {},
        err: () => {},
        signal: new AbortController().signal,
        args: [],
        isTTY: false,
      };
      await expect(startCommand.run(config, ctx)).rejects.toThrow(/EADDRINUSE|in use/i);
      // The simulator's port is free again: it was closed, not left serving.
      await close(await listen(simPort));
    } finally {
      await close(taken);
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
