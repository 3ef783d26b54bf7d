import { spawn } from 'node:child_process';
import { createServer, type Socket } from 'node:net';

/**
 * The timing floor of this machine: a child process writes its epoch clock to a TCP socket every `intervalMs`;
 * this process stamps each line on arrival. `lagJitter` is how far each delivery lag sits above the smallest one
 * (what a TTFT comparison cannot beat) and `gapError` how much consecutive lags differ (what an inter-token gap
 * comparison cannot beat). No HTTP, no parsing: whatever shows here is the OS and the VM, not llmops.
 */
export async function measureClockFloor(
  samples = 300,
  intervalMs = 5,
): Promise<{ lagJitter: number[]; gapError: number[] }> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  const child = spawn(
    process.execPath,
    [
      '-e',
      `const s=require('net').connect(${port},'127.0.0.1',()=>{s.setNoDelay(true);let i=0;const t=()=>{if(i++>=${samples}){s.end();return}` +
        `s.write(String(performance.timeOrigin+performance.now())+'\\n');setTimeout(t,${intervalMs})};t()})`,
    ],
    { stdio: 'ignore' },
  );
  const lags: number[] = [];
  await new Promise<void>((resolve) => {
    server.once('connection', (sock: Socket) => {
      sock.setNoDelay(true);
      let buf = '';
      sock.on('data', (d: Buffer) => {
        const now = performance.timeOrigin + performance.now();
        buf += d.toString();
        let k: number;
        while ((k = buf.indexOf('\n')) >= 0) {
          lags.push(now - Number(buf.slice(0, k)));
          buf = buf.slice(k + 1);
        }
      });
      sock.once('end', () => resolve());
    });
  });
  child.kill();
  server.close();
  // The first few lines include the child's start-up; they are not the steady state.
  const steady = lags.slice(10);
  const min = Math.min(...steady);
  return {
    lagJitter: steady.map((l) => l - min),
    gapError: steady.slice(1).map((l, i) => Math.abs(l - (steady[i] as number))),
  };
}
