// npm run bench:loadtest — the load generator (`@llmops/loadtest`, full metrics recorded for every request) against
// autocannon on the same zero-delay simulator at the same concurrency; streamed events parsed per second against a
// bare SSE reader; TTFT against the simulator's ground truth at 1,000 concurrent streams; RSS after 1M requests.
// Every client runs in its own process (bench/support/*-child.js); clients alternate order across rounds and the
// medians of the rounds are printed with their ratios and the targets' verdicts.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { request } from 'undici';
import {
  alternatingRounds,
  cpuSeconds,
  fmt,
  median,
  quantile,
  startServer,
  tempDir,
  track,
} from './support/procs.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 50);
const JSON_TOKENS = 16;
const STREAM_TOKENS = Number(process.env.BENCH_STREAM_TOKENS ?? 512);
const TTFT_STREAMS = Number(process.env.BENCH_TTFT_STREAMS ?? 1000);
const TTFT_SECONDS = Number(process.env.BENCH_TTFT_SECONDS ?? 4);
const TTFT_WARMUP_S = 2;
const RSS_REQUESTS = Number(process.env.BENCH_RSS_REQUESTS ?? 1_000_000);
const RSS_SECONDS = Number(process.env.BENCH_RSS_SECONDS ?? 200);
for (const [k, v] of [
  ['BENCH_SECONDS', SECONDS],
  ['BENCH_ROUNDS', ROUNDS],
  ['BENCH_CONCURRENCY', CONCURRENCY],
  ['BENCH_STREAM_TOKENS', STREAM_TOKENS],
  ['BENCH_TTFT_STREAMS', TTFT_STREAMS],
  ['BENCH_TTFT_SECONDS', TTFT_SECONDS],
  ['BENCH_RSS_REQUESTS', RSS_REQUESTS],
  ['BENCH_RSS_SECONDS', RSS_SECONDS],
])
  if (!Number.isInteger(v) || v < 1) throw new Error(`${k} must be a positive integer, got ${v}`);

const CLI = new URL('../packages/cli/dist/bin.js', import.meta.url).pathname;
const GENERATOR = new URL('./support/loadtest-child.js', import.meta.url).pathname;
const AUTOCANNON = new URL('./support/autocannon-child.js', import.meta.url).pathname;
const SSE_READER = new URL('./support/sse-reader-child.js', import.meta.url).pathname;
const PATH = '/v1/chat/completions';
const MODEL = 'sim-small';
const MB = 1024 * 1024;
/** What a child may take beyond its planned seconds (start-up, in-flight requests finishing) before it is killed. */
const SLACK_S = 60;

/**
 * Runs `node [nodeArgs] script '<spec JSON>'` and resolves to the JSON line it prints, plus its pid and wall time.
 * A child still running `limitS` seconds after its start is killed and the bench fails: the bare SSE reader has no
 * timeouts of its own, so a stalled server would otherwise hold the bench forever.
 */
async function child(script, spec, limitS, nodeArgs = []) {
  const proc = track(
    spawn(process.execPath, [...nodeArgs, script, JSON.stringify(spec)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    }),
  );
  let out = '';
  proc.stdout.setEncoding('utf8');
  proc.stdout.on('data', (d) => (out += d));
  const t0 = performance.now();
  let overdue = false;
  const timer = setTimeout(() => {
    overdue = true;
    proc.kill('SIGKILL');
  }, limitS * 1000);
  const [code, signal] = await once(proc, 'exit');
  clearTimeout(timer);
  const wallS = (performance.now() - t0) / 1000;
  if (overdue) throw new Error(`${script} still running after ${limitS} s, killed: ${out.slice(-500)}`);
  if (code !== 0) throw new Error(`${script} exited with ${code ?? signal}: ${out.slice(-500)}`);
  const line = out.trim().split('\n').at(-1);
  return { ...JSON.parse(line), pid: proc.pid, wallS };
}

/** Runs a client child while reading the simulator's CPU time, so a saturated simulator shows in the table. */
async function measured(sim, script, spec) {
  const cpu0 = cpuSeconds(sim.child.pid);
  const r = await child(script, spec, SECONDS + SLACK_S);
  r.simCpuS = cpuSeconds(sim.child.pid) - cpu0;
  return r;
}

const generatorFlags = (url, extra) => ({ url, model: MODEL, mode: 'concurrency', ...extra });

function assertClean(what, r) {
  const bad =
    (r.requests?.errors ?? 0) + (r.non2xx ?? 0) + (r.errors ?? 0) + (r.timeouts ?? 0) + (r.failures ?? 0);
  if (bad > 0) throw new Error(`${what}: ${bad} failed requests: ${JSON.stringify(r)}`);
}

/**
 * The request bodies the generator really sends (its question generator writes a new question per request): a
 * capture server answers a few of them; autocannon then replays the one of median length.
 */
async function generatorBody() {
  const bodies = [];
  const server = http.createServer((req, res) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (d) => (text += d));
    req.on('end', () => {
      bodies.push(text);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"id":"capture","choices":[]}');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const url = `http://127.0.0.1:${server.address().port}`;
    await child(
      GENERATOR,
      {
        flags: generatorFlags(url, {
          concurrency: 1,
          maxRequests: 31,
          maxTokens: JSON_TOKENS,
          stream: false,
        }),
      },
      SLACK_S,
    );
  } finally {
    server.close();
  }
  if (bodies.length === 0) throw new Error('the generator sent no request to the capture server');
  return [...bodies].sort((a, b) => a.length - b.length)[bodies.length >> 1];
}

async function checkJson(url, body) {
  const res = await request(`${url}${PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  const text = await res.body.text();
  if (res.statusCode !== 200)
    throw new Error(`simulator check: HTTP ${res.statusCode}: ${text.slice(0, 300)}`);
  const n = JSON.parse(text).usage?.completion_tokens;
  if (n !== JSON_TOKENS) throw new Error(`simulator check: ${n} completion tokens, expected ${JSON_TOKENS}`);
}

async function throughput(sim, body) {
  return alternatingRounds(ROUNDS, {
    generator: async () => {
      const r = await measured(sim, GENERATOR, {
        flags: generatorFlags(sim.url, {
          concurrency: CONCURRENCY,
          duration: `${SECONDS}s`,
          maxTokens: JSON_TOKENS,
          stream: false,
        }),
      });
      assertClean('generator (JSON)', r);
      return {
        rps: r.requestsPerS,
        n: r.requests.ok,
        p50: r.latency.e2e.p50,
        p99: r.latency.e2e.p99,
        cpuUs: (r.cpuS / r.requests.total) * 1e6,
        simCpu: r.simCpuS / r.durationS,
      };
    },
    autocannon: async () => {
      const r = await measured(sim, AUTOCANNON, {
        url: `${sim.url}${PATH}`,
        body,
        connections: CONCURRENCY,
        seconds: SECONDS,
      });
      assertClean('autocannon', r);
      return {
        rps: r.requestsPerS,
        n: r.ok,
        p50: r.latency.p50,
        p99: r.latency.p99,
        cpuUs: (r.cpuS / r.total) * 1e6,
        simCpu: r.simCpuS / r.durationS,
      };
    },
  });
}

async function streaming(sim) {
  const body = JSON.stringify({
    model: MODEL,
    stream: true,
    stream_options: { include_usage: true },
    max_tokens: STREAM_TOKENS,
    messages: [{ role: 'user', content: 'Stream a long answer.' }],
  });
  return alternatingRounds(ROUNDS, {
    generator: async () => {
      const r = await measured(sim, GENERATOR, {
        flags: generatorFlags(sim.url, {
          concurrency: CONCURRENCY,
          duration: `${SECONDS}s`,
          maxTokens: STREAM_TOKENS,
          stream: true,
        }),
      });
      assertClean('generator (stream)', r);
      // Token-bearing chunks: every gap between two of them is in the pooled ITL, plus each stream's first.
      const chunks = r.latency.itl.count + r.latency.ttft.count;
      if (r.outputTokens !== r.requests.ok * STREAM_TOKENS)
        throw new Error(`generator (stream): ${r.outputTokens} tokens over ${r.requests.ok} answers`);
      // The events/s figure counts chunks from the histograms; usage (one token per chunk here) must agree, or a
      // histogram that dropped or added samples would change the figure without a word.
      if (chunks !== r.outputTokens)
        throw new Error(
          `generator (stream): ${chunks} token chunks in ITL + TTFT, usage says ${r.outputTokens}`,
        );
      return {
        eps: chunks / r.durationS,
        requests: r.requests.ok,
        cpuUs: (r.cpuS / chunks) * 1e6,
        simCpu: r.simCpuS / r.durationS,
      };
    },
    bare: async () => {
      const r = await measured(sim, SSE_READER, {
        url: `${sim.url}${PATH}`,
        body,
        connections: CONCURRENCY,
        seconds: SECONDS,
      });
      assertClean('bare SSE reader', r);
      if (r.tokenEvents !== r.requests * STREAM_TOKENS)
        throw new Error(`bare SSE reader: ${r.tokenEvents} token events over ${r.requests} answers`);
      return {
        eps: r.tokenEventsPerS,
        requests: r.requests,
        cpuUs: (r.cpuS / r.tokenEvents) * 1e6,
        simCpu: r.simCpuS / r.durationS,
      };
    },
  });
}

/** Index of the first element of sorted `xs` greater than `x`. */
function upperBound(xs, x) {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const readJsonl = (file) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l));

/**
 * Each request's client TTFT against the simulator's own (first token written − request received), the core
 * client's accuracy test's comparison. The difference splits exactly into the way in (server receipt − client send)
 * and the way out (client arrival stamp − server write); that split compares two processes' epoch clocks
 * (performance.timeOrigin + now() in both), so it is indicative, the sum exact.
 */
async function compareTtft(simUrl, records) {
  const truth = new Map();
  const all = await (await request(`${simUrl}/sim/requests?limit=10000`)).body.json();
  for (const t of all.data) truth.set(t.id, t);
  let fetched = 0;
  for (const rec of records) {
    if (truth.has(rec.requestId)) continue;
    if (++fetched > 2000) throw new Error('too many requests missing from the ground-truth list');
    const one = await request(`${simUrl}/sim/requests/${encodeURIComponent(rec.requestId)}`);
    const text = await one.body.text();
    if (one.statusCode !== 200)
      throw new Error(`no ground truth for ${rec.requestId}: HTTP ${one.statusCode}`);
    truth.set(rec.requestId, JSON.parse(text));
  }
  // Streams open at the simulator (received, not finished) at each measured first token: the concurrency the
  // figures were taken under, from the server's own stamps (warm-up requests and the previous client's included).
  const timelines = [...truth.values()];
  const received = timelines.map((t) => t.receivedAt).sort((a, b) => a - b);
  const finished = timelines.map((t) => t.finishedAt ?? Infinity).sort((a, b) => a - b);
  const errs = [];
  const wayIn = [];
  const wayOut = [];
  const open = [];
  for (const rec of records) {
    const t = truth.get(rec.requestId);
    if (!t || t.tokenAt.length === 0 || rec.ttftMs === null)
      throw new Error(`no TTFT pair for ${rec.requestId}`);
    const server = t.tokenAt[0] - t.receivedAt;
    errs.push(Math.abs(rec.ttftMs - server));
    wayIn.push(t.receivedAt - rec.sentAt);
    wayOut.push(rec.sentAt + rec.ttftMs - t.tokenAt[0]);
    open.push(upperBound(received, t.tokenAt[0]) - upperBound(finished, t.tokenAt[0]));
  }
  return {
    n: records.length,
    openP50: quantile(open, 0.5),
    openP01: quantile(open, 0.01),
    p50: quantile(errs, 0.5),
    p95: quantile(errs, 0.95),
    p99: quantile(errs, 0.99),
    max: Math.max(...errs),
    inP50: quantile(wayIn, 0.5),
    inP99: quantile(wayIn, 0.99),
    outP50: quantile(wayOut, 0.5),
    outP99: quantile(wayOut, 0.99),
    clientP50: quantile(
      records.map((x) => x.ttftMs),
      0.5,
    ),
  };
}

/** The generator and the bare reader, one after the other, each at TTFT_STREAMS streams on a timed simulator. */
async function ttftAccuracy(dir) {
  const models = join(dir, 'models.yaml');
  // All streams decode at once (maxNumSeqs above the stream count, no KV limit): a 20 ms first token (+ prefill),
  // then a token every 30 ms + 0.02 ms per running sequence (50 ms, 20 tokens/s per stream, at 1,000 streams).
  // Answers are 4–32 tokens at random, so streams end (and the closed loop sends their successors) spread over
  // time, not in the lock-step waves equal lengths would make.
  writeFileSync(
    models,
    `models:\n  - { id: ${MODEL}, ttftBaseMs: 20, prefillMsPerToken: 0.02, decodeBaseMs: 30, decodeMsPerSeq: 0.02, ` +
      `maxNumSeqs: ${TTFT_STREAMS + 24}, tokenBudget: 100000000, outputLength: { kind: uniform, min: 4, max: 32 } }\n`,
  );
  const sim = await startServer([
    CLI,
    'sim',
    'llm',
    '--port',
    '0',
    '--models-file',
    models,
    '--timeline-capacity',
    '100000',
  ]);
  try {
    const jsonl = join(dir, 'ttft.jsonl');
    const g = await child(
      GENERATOR,
      {
        flags: generatorFlags(sim.url, {
          concurrency: TTFT_STREAMS,
          // The first answers (connections being opened by the thousand) are not recorded.
          warmup: `${TTFT_WARMUP_S}s`,
          duration: `${TTFT_SECONDS}s`,
          stream: true,
        }),
        jsonl,
      },
      TTFT_WARMUP_S + TTFT_SECONDS + SLACK_S,
    );
    assertClean('generator (TTFT)', g);
    const generator = await compareTtft(sim.url, readJsonl(jsonl));
    const bareFile = join(dir, 'ttft-bare.jsonl');
    const b = await child(
      SSE_READER,
      {
        url: `${sim.url}${PATH}`,
        body: JSON.stringify({
          model: MODEL,
          stream: true,
          stream_options: { include_usage: true },
          messages: [{ role: 'user', content: 'What is the time to first token?' }],
        }),
        connections: TTFT_STREAMS,
        warmupS: TTFT_WARMUP_S,
        seconds: TTFT_SECONDS,
        ttftFile: bareFile,
      },
      TTFT_WARMUP_S + TTFT_SECONDS + SLACK_S,
    );
    assertClean('bare SSE reader (TTFT)', b);
    const bare = await compareTtft(sim.url, readJsonl(bareFile));
    return { generator, bare };
  } finally {
    await sim.stop();
  }
}

async function memory(sim) {
  const r = await child(
    GENERATOR,
    {
      flags: generatorFlags(sim.url, {
        concurrency: CONCURRENCY,
        maxRequests: RSS_REQUESTS,
        maxDuration: `${RSS_SECONDS}s`,
        maxTokens: JSON_TOKENS,
        stream: false,
      }),
      memory: true,
    },
    RSS_SECONDS + SLACK_S,
    ['--expose-gc'],
  );
  assertClean('generator (RSS run)', r);
  return r;
}

async function main() {
  const dir = tempDir('llmops-bench-loadtest-');
  // --honor-max-tokens: streamed answers are exactly STREAM_TOKENS long (JSON answers ask for fewer tokens than
  // sim-small ever says, so they are JSON_TOKENS long either way).
  const sim = await startServer([
    CLI,
    'sim',
    'llm',
    '--port',
    '0',
    '--zero-delay',
    '--honor-max-tokens',
    '--timeline-capacity',
    '0',
  ]);
  const t0 = performance.now();
  try {
    const body = await generatorBody();
    await checkJson(sim.url, body);
    const tp = await throughput(sim, body);
    const st = await streaming(sim);
    const ttft = await ttftAccuracy(dir);
    const mem = await memory(sim);
    report({ tp, st, ttft, mem, body, totalS: (performance.now() - t0) / 1000 });
  } finally {
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const verdict = (ok) => (ok ? 'met' : 'NOT met');
const ms = (x) => fmt(x, 2);
const pct = (x) => `${fmt(x * 100)}%`;

function report({ tp, st, ttft, mem, body, totalS }) {
  const m = (xs, k) => median(xs.map((x) => x[k]));
  console.log(
    `\nbench:loadtest — zero-delay simulator (sim-small); ${CONCURRENCY} concurrent requests, ${SECONDS}s × ` +
      `${ROUNDS} rounds (alternating order), medians; every client in its own process\n`,
  );
  console.log(`### Non-streaming chat (${JSON_TOKENS}-token answers)\n`);
  console.log('| client | req/s | p50 ms | p99 ms | client CPU µs/req | simulator CPU |');
  console.log('|---|---|---|---|---|---|');
  const rows = [
    ['llmops loadtest (full metrics: HDR histograms, timeline)', tp.generator],
    [`autocannon (same concurrency, the generator's median-length body, ${body.length} B)`, tp.autocannon],
  ];
  for (const [label, xs] of rows)
    console.log(
      `| ${label} | ${fmt(m(xs, 'rps'))} | ${ms(m(xs, 'p50'))} | ${ms(m(xs, 'p99'))} | ${fmt(m(xs, 'cpuUs'), 1)} | ` +
        `${pct(m(xs, 'simCpu'))} of a core |`,
    );
  console.log(
    `\nper round req/s — generator: ${tp.generator.map((x) => fmt(x.rps)).join(', ')}; ` +
      `autocannon: ${tp.autocannon.map((x) => fmt(x.rps)).join(', ')}`,
  );

  console.log(`\n### Streamed chat (${STREAM_TOKENS}-token answers, ${CONCURRENCY} concurrent streams)\n`);
  console.log('| client | token-bearing events parsed/s | client CPU µs/event | simulator CPU |');
  console.log('|---|---|---|---|');
  console.log(
    `| llmops loadtest (full metrics, per-chunk ITL) | ${fmt(m(st.generator, 'eps'))} | ` +
      `${fmt(m(st.generator, 'cpuUs'), 2)} | ${pct(m(st.generator, 'simCpu'))} of a core |`,
  );
  console.log(
    `| bare node:http reader (split + JSON.parse, no timing) | ${fmt(m(st.bare, 'eps'))} | ` +
      `${fmt(m(st.bare, 'cpuUs'), 2)} | ${pct(m(st.bare, 'simCpu'))} of a core |`,
  );

  const tt = (x) =>
    `${fmt(x.n)} | ${ms(x.p50)} / ${ms(x.p95)} / ${ms(x.p99)} / ${ms(x.max)} | ${ms(x.inP50)} / ${ms(x.inP99)} | ` +
    `${ms(x.outP50)} / ${ms(x.outP99)} | ${ms(x.clientP50)} | ${fmt(x.openP50)} (p1 ${fmt(x.openP01)}) |`;
  console.log(
    `\n### TTFT vs the simulator's ground truth (${fmt(TTFT_STREAMS)} concurrent streams)\n\n` +
      `Timed simulator, every stream decoding at once (a token every 50 ms per stream at 1,000 streams, 20 ms first ` +
      `token), 4–32-token answers, closed loop; requests sent ` +
      `in the first ${TTFT_WARMUP_S}s are not recorded, then ${TTFT_SECONDS}s; server TTFT = first token written − ` +
      `request received. "way in" = server receipt − client send, "way out" = client stamp − server write ` +
      `(two processes' epoch clocks: indicative; way in + way out = client − server exactly).\n`,
  );
  console.log(
    '| client | requests | \\|client − server\\| p50 / p95 / p99 / max ms | way in p50 / p99 ms | way out p50 / p99 ms ' +
      '| client TTFT p50 ms | streams open at each first token, median |',
  );
  console.log('|---|---|---|---|---|---|---|');
  console.log(`| llmops loadtest (JSONL records) | ${tt(ttft.generator)}`);
  console.log(`| bare node:http reader (same stamp points) | ${tt(ttft.bare)}`);

  const full = mem.requests.total >= 1_000_000;
  const stoppedBy =
    mem.stopReason === 'maxRequests'
      ? `the request budget, BENCH_RSS_REQUESTS=${RSS_REQUESTS}`
      : `the time budget, BENCH_RSS_SECONDS=${RSS_SECONDS}`;
  console.log(
    `\n### Memory\n\n${fmt(mem.requests.total)} non-streaming requests at concurrency ${CONCURRENCY} in ` +
      `${fmt(mem.elapsedS, 1)} s (${fmt(mem.requestsPerS)} req/s; stopped by ${stoppedBy}); peak RSS during the ` +
      `run ${fmt(mem.peakRss / MB)} MB; at the end (every request finished, the run's state still alive, after a ` +
      `forced GC): RSS ${fmt(mem.memory.rss / MB)} MB, heap ${fmt(mem.memory.heapUsed / MB)} MB ` +
      `(${fmt(mem.memory.heapUsed / Math.max(1, mem.requests.total))} B of heap per request)`,
  );
  if (!full)
    console.log(
      `\n**Only ${fmt(mem.requests.total)} of the 1,000,000 requests the target names fit in this run.**`,
    );

  const g = m(tp.generator, 'rps');
  const a = m(tp.autocannon, 'rps');
  const ratio = g / a;
  const eps = m(st.generator, 'eps');
  const rss = mem.memory.rss;
  // Judged on the higher of the end (after a forced GC) and the peak during the run: neither may pass the bound.
  const worstRss = Math.max(rss, mem.peakRss);
  const rssVerdict =
    worstRss > 256 * MB
      ? `NOT met${full ? '' : ` (already above at ${fmt(mem.requests.total)} requests)`}`
      : full
        ? 'met'
        : `not judged: only ${fmt(mem.requests.total)} requests`;
  const t = ttft.generator;
  console.log('\n### Targets\n');
  console.log('| client | req/s | p50 ms | p99 ms |');
  console.log('|---|---|---|---|');
  console.log(
    `| llmops loadtest | ${fmt(g)} | ${ms(m(tp.generator, 'p50'))} | ${ms(m(tp.generator, 'p99'))} |`,
  );
  console.log(`| autocannon | ${fmt(a)} | ${ms(m(tp.autocannon, 'p50'))} | ${ms(m(tp.autocannon, 'p99'))} |`);
  console.log(
    `\ngenerator/autocannon req/s ratio: ${fmt(ratio, 2)} (target ≥ 0.80: ${verdict(ratio >= 0.8)})\n` +
      `streamed events parsed: ${fmt(eps)}/s (target ≥ 200,000: ${verdict(eps >= 200_000)}); bare reader ` +
      `${fmt(m(st.bare, 'eps'))}/s (ratio ${fmt(eps / m(st.bare, 'eps'), 2)})\n` +
      `TTFT |client − server| at ${fmt(TTFT_STREAMS)} streams: p50 ${ms(t.p50)} ms, p95 ${ms(t.p95)} ms, ` +
      `p99 ${ms(t.p99)} ms (target p99 ≤ 1 ms: ${verdict(t.p99 <= 1)}); bare reader p99 ${ms(ttft.bare.p99)} ms\n` +
      `RSS after ${fmt(mem.requests.total)} requests: ${fmt(rss / MB)} MB (heap ${fmt(mem.memory.heapUsed / MB)} MB), ` +
      `peak during the run ${fmt(mem.peakRss / MB)} MB (target ≤ 256 MB after 1,000,000, the peak included: ${rssVerdict})`,
  );
  console.log(`\ntotal bench time ${fmt(totalS)} s`);
}

await main();
