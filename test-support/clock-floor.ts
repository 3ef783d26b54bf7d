import { spawn } from 'node:child_process';
import { createServer, type Socket } from 'node:net';

/**
 * The floor's sending side, a script for `node -e`: writes its epoch clock to the port every `intervalMs`, `samples`
 * times (then ends its connection) or until it is killed.
 */
const TICKER = (port: number, intervalMs: number, samples = Infinity): string =>
  `const s=require('net').connect(${port},'127.0.0.1',()=>{s.setNoDelay(true);let i=0;const t=()=>{` +
  `if(i++>=${samples}){s.end();return}` +
  `s.write(String(performance.timeOrigin+performance.now())+'\\n');setTimeout(t,${intervalMs})};t()});` +
  `s.on('error',()=>process.exit(0));s.on('close',()=>process.exit(0))`;

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
  const child = spawn(process.execPath, ['-e', TICKER(port, intervalMs, samples)], { stdio: 'ignore' });
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
  return floorOf(lags);
}

/** Jitter above the smallest lag, and the difference of consecutive lags, past the first few (start-up) lines. */
function floorOf(lags: number[]): { lagJitter: number[]; gapError: number[] } {
  // The first few lines include the child's start-up; they are not the steady state.
  const steady = lags.slice(10);
  const min = Math.min(...steady);
  return {
    lagJitter: steady.map((l) => l - min),
    gapError: steady.slice(1).map((l, i) => Math.abs(l - (steady[i] as number))),
  };
}

/** The receiving side of the loaded floor, a script for `node -e`: stamps each line, prints the lags on SIGTERM. */
const RECEIVER =
  `const lags=[];const srv=require('net').createServer((sock)=>{sock.setNoDelay(true);let buf='';` +
  `sock.on('data',(d)=>{const now=performance.timeOrigin+performance.now();buf+=d;let k;` +
  `while((k=buf.indexOf('\\n'))>=0){lags.push(now-Number(buf.slice(0,k)));buf=buf.slice(k+1)}});sock.on('error',()=>{})});` +
  `srv.listen(0,'127.0.0.1',()=>process.stdout.write('port '+srv.address().port+'\\n'));` +
  `process.on('SIGTERM',()=>process.stdout.write(JSON.stringify(lags)+'\\n',()=>process.exit(0)))`;

/**
 * The same floor, measured by two processes of its own while a test runs, so it sees what the test's load does
 * to the machine (CPU contention on two cores, the VM's own pauses) but none of the measured code: neither side
 * is the process under test. Returns `stop()`, which ends both and yields the figures as {@link measureClockFloor}.
 */
export async function startLoadedClockFloor(
  intervalMs = 5,
): Promise<{ stop(): Promise<{ lagJitter: number[]; gapError: number[] }> }> {
  const receiver = spawn(process.execPath, ['-e', RECEIVER], { stdio: ['ignore', 'pipe', 'ignore'] });
  let out = '';
  receiver.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    const onData = (): void => {
      const m = /port (\d+)\n/.exec(out);
      if (!m) return;
      receiver.stdout.off('data', onData);
      resolve(Number(m[1]));
    };
    receiver.stdout.on('data', onData);
    receiver.once('exit', (code) => reject(new Error(`clock floor receiver exited (${String(code)})`)));
  });
  const ticker = spawn(process.execPath, ['-e', TICKER(port, intervalMs)], { stdio: 'ignore' });
  return {
    async stop() {
      const exited = new Promise<void>((r) => receiver.once('exit', () => r()));
      receiver.kill('SIGTERM');
      await exited;
      ticker.kill();
      const lags = JSON.parse(out.slice(out.indexOf('\n') + 1)) as number[];
      return floorOf(lags);
    },
  };
}
