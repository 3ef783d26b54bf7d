// Helpers shared by the benchmarks: start a server process and wait for its URL, read its CPU time, stats.
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { clearInterval, setInterval } from 'node:timers';

const live = new Set();
const tempDirs = new Set();
let hooked = false;

/**
 * A bench killed by a signal (SIGTERM from a CI timeout or `kill`, SIGHUP, SIGINT) never reaches its `finally`
 * blocks: without this its servers and clients were left running as orphans, still listening on their ports, and
 * its temporary folders stayed behind. On any exit, every child still alive is killed and every folder removed.
 */
function hookExit() {
  if (hooked) return;
  hooked = true;
  process.once('exit', () => {
    for (const c of live) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
  });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'])
    process.once(sig, () => process.exit(128 + constants.signals[sig]));
}

/** Kills `child` when this process exits, whichever way it does; returns it. */
export function track(child) {
  hookExit();
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

/** A new temporary folder, removed when this process exits (the caller may remove it earlier). */
export function tempDir(prefix) {
  hookExit();
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

/** Spawns `node <args>` and resolves once it prints `listening on <url>`. */
export function startServer(args, env = {}) {
  const child = track(
    spawn(process.execPath, args, {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    }),
  );
  return new Promise((resolve, reject) => {
    let out = '';
    let started = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start: ${args.join(' ')}\n${out}`));
    }, 20_000);
    child.stdout.on('data', (d) => {
      // Once started, output is drained but not kept: a server logging every request must not cost the bench CPU.
      if (started) return;
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        started = true;
        clearTimeout(timer);
        resolve({ url: m[1], child, stop: () => stop(child) });
      }
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${out}`)));
  });
}

function stop(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 5000).unref();
  });
}

/** User+system CPU seconds of a process so far, from /proc. */
export function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Resident set size of a process in bytes (VmRSS from /proc/<pid>/status). */
export function rssBytes(pid) {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]) * 1024;
}

/**
 * Client-side ports of every TCP connection to a local server port that the kernel knows right now (established,
 * closing, or in TIME-WAIT for ~60 s after a graceful close; a reset connection vanishes at once), from `ss`.
 * Resolves to null when `ss` is not available.
 */
export function clientPortsOf(port) {
  return new Promise((resolve) => {
    execFile('ss', ['-tanH', `( sport = :${port} or dport = :${port} )`], (err, text) => {
      if (err) return resolve(null);
      const ports = new Set();
      for (const line of text.split('\n')) {
        const f = line.trim().split(/\s+/);
        if (f.length < 5 || f[0] === 'LISTEN') continue;
        const [local, peer] = [f[3], f[4]];
        const client = local.endsWith(`:${port}`) ? peer : local;
        ports.add(client.slice(client.lastIndexOf(':') + 1));
      }
      resolve(ports);
    });
  });
}

/**
 * Counts the connections opened to a local server port while `fn` runs: client ports seen (sampled every
 * `everyMs` and at the end) that were not there before. Resolves to `{ result, opened }`, opened undefined
 * without `ss`.
 */
export async function countNewConnections(port, fn, everyMs = 250) {
  const before = await clientPortsOf(port);
  if (!before) return { result: await fn(), opened: undefined };
  const seen = new Set();
  const add = (ports) => ports?.forEach((p) => before.has(p) || seen.add(p));
  let pending = Promise.resolve();
  const timer = setInterval(() => (pending = pending.then(() => clientPortsOf(port).then(add))), everyMs);
  let result;
  try {
    result = await fn();
  } finally {
    clearInterval(timer);
    await pending;
  }
  add(await clientPortsOf(port));
  return { result, opened: seen.size };
}

/**
 * Runs every client once per round, in the given order in even rounds and reversed in odd ones (so neither always
 * runs on a warmer or a more loaded machine), and returns each client's samples by name.
 */
export async function alternatingRounds(rounds, clients) {
  const names = Object.keys(clients);
  const samples = Object.fromEntries(names.map((n) => [n, []]));
  for (let round = 0; round < rounds; round++)
    for (const n of round % 2 === 0 ? names : [...names].reverse()) samples[n].push(await clients[n]());
  return samples;
}

/** Nearest-rank quantile (q from 0 to 1) of the numbers in `xs`. */
export function quantile(xs, q) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export const fmt = (n, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
