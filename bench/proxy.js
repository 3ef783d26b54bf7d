// npm run bench:proxy — the llmops gateway against the zero-delay simulator called directly, a bare node:http →
// undici pipe with no features (the floor of any relay), and Portkey's gateway (@portkey-ai/gateway) routed to the
// same simulator. Fixed parameters; target order alternates across rounds;
// medians of the rounds are printed with their ratios, then a sequential 1-connection latency probe per target.
// A last section paces the tokens as a real model does (a token every 20 ms) and measures what the zero-delay
// sections cannot: each relay's CPU per relayed chunk, and the TTFT and inter-token gaps its clients see.
import autocannon from 'autocannon';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, request } from 'undici';
import { UpstreamClient } from '@llmops/core';
import {
  alternatingRounds,
  clientPortsOf,
  countNewConnections,
  cpuSeconds,
  fmt,
  median,
  quantile,
  rssBytes,
  startServer,
  tempDir,
} from './support/procs.js';

const CONNECTIONS = 50;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const PROBE = Number(process.env.BENCH_PROBE_REQUESTS ?? 500);
const PROBE_WARMUP = 100;
const STREAM_TOKENS = 64;
const UPSTREAM_KEY = 'sk-bench-upstream-key-0000';
/** Timed streams: a model paced like a real one, many streams at once, started 1 ms apart. */
const TIMED = {
  model: 'sim-timed',
  streams: Number(process.env.BENCH_TIMED_STREAMS ?? 100),
  tokens: 50,
  firstTokenMs: 20,
  tokenMs: 20,
  staggerMs: 1,
};
/**
 * The simulator's models: `sim-small` with every delay zero (what `--zero-delay` makes of it) for the throughput
 * sections, and `sim-timed` for the timed streams, one process serving both so every target reaches both models
 * through the same upstream.
 */
const MODELS_YAML = `models:
  - { id: sim-small, ttftBaseMs: 0, prefillMsPerToken: 0, decodeBaseMs: 0, decodeMsPerSeq: 0 }
  - id: ${TIMED.model}
    ttftBaseMs: ${TIMED.firstTokenMs}
    prefillMsPerToken: 0
    decodeBaseMs: ${TIMED.tokenMs}
    decodeMsPerSeq: 0
    maxNumSeqs: 4096
`;
const CLI = new URL('../packages/cli/dist/bin.js', import.meta.url).pathname;
const BARE_PIPE = new URL('./support/bare-pipe.js', import.meta.url).pathname;
const PORTKEY_PRELOAD = new URL('./support/portkey-listen.cjs', import.meta.url).pathname;
const require = createRequire(import.meta.url);
const PORTKEY_BIN = require.resolve('@portkey-ai/gateway/build/start-server.js');
const PORTKEY_VERSION = JSON.parse(
  readFileSync(require.resolve('@portkey-ai/gateway/package.json'), 'utf8'),
).version;

const DEFAULT_TARGETS = ['direct', 'pipe', 'llmops', 'portkey'];
/**
 * The gateway with one of its own HTTP layers switched back to node's, on request only (BENCH_TARGETS): measures
 * in one run what each lean layer saves.
 */
const VARIANTS = {
  'llmops-node-server': { label: 'llmops proxy, INBOUND_HTTP=node', env: { INBOUND_HTTP: 'node' } },
  'llmops-undici': { label: 'llmops proxy, UPSTREAM_CLIENT=undici', env: { UPSTREAM_CLIENT: 'undici' } },
};
const ALL_TARGETS = [...DEFAULT_TARGETS, ...Object.keys(VARIANTS)];
/**
 * The gateway's work as the targets describe it (token check, metrics and audit on, its own HTTP layers, default
 * log level), pinned: servers inherit the caller's environment, and an AUDIT_ENABLED=false, ENABLE_METRICS=false,
 * UPSTREAM_CLIENT=undici or LOG_LEVEL=debug left in a shell would otherwise change what is measured without a word.
 */
const LLMOPS_ENV = {
  AUDIT_ENABLED: 'true',
  AUDIT_FLUSH_INTERVAL: '1s',
  ENABLE_METRICS: 'true',
  LOG_LEVEL: 'info',
  UPSTREAM_CLIENT: 'lean',
  INBOUND_HTTP: 'lean',
};
const TARGETS = (process.env.BENCH_TARGETS ?? DEFAULT_TARGETS.join(','))
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);
for (const t of TARGETS)
  if (!ALL_TARGETS.includes(t)) throw new Error(`BENCH_TARGETS: unknown target ${t} (known: ${ALL_TARGETS})`);
if (TARGETS.length === 0) throw new Error('BENCH_TARGETS names no target');
for (const [k, v] of [
  ['BENCH_SECONDS', SECONDS],
  ['BENCH_ROUNDS', ROUNDS],
  ['BENCH_PROBE_REQUESTS', PROBE],
  ['BENCH_TIMED_STREAMS', TIMED.streams],
])
  if (!Number.isInteger(v) || v < 1) throw new Error(`${k} must be a positive integer, got ${v}`);

const SCENARIOS = [
  {
    key: 'json',
    title: 'JSON chat (16-token answers)',
    stream: false,
    body: JSON.stringify({
      model: 'sim-small',
      max_tokens: 16,
      messages: [{ role: 'user', content: 'Hello, benchmark!' }],
    }),
  },
  {
    key: 'stream',
    title: `streamed chat (${STREAM_TOKENS}-token answers, ignore_eos)`,
    stream: true,
    body: JSON.stringify({
      model: 'sim-small',
      stream: true,
      max_tokens: STREAM_TOKENS,
      ignore_eos: true,
      messages: [{ role: 'user', content: 'Stream an answer.' }],
    }),
  },
];

const PATH = '/v1/chat/completions';
const MB = 1024 * 1024;

/** One HTTP call through undici; returns status and body text (for setup and checks, not timing). */
async function call(url, { method = 'POST', headers = {}, body } = {}) {
  const res = await request(url, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' || body === undefined ? body : JSON.stringify(body),
  });
  return { status: res.statusCode, headers: res.headers, text: await res.body.text() };
}

async function startTarget(name, sim, dir, servers) {
  if (name === 'direct') {
    return { name, label: 'direct (simulator)', url: sim.url, pid: sim.child.pid, headers: {} };
  }
  if (name === 'pipe') {
    const pipe = await startServer([BARE_PIPE, sim.url]);
    servers.push(pipe);
    return { name, label: 'bare node:http → undici pipe', url: pipe.url, pid: pipe.child.pid, headers: {} };
  }
  if (name === 'portkey') {
    const pk = await startServer(['--require', PORTKEY_PRELOAD, PORTKEY_BIN, '--port=0', '--headless'], {
      TRUSTED_CUSTOM_HOSTS: '127.0.0.1', // its custom-host allow-list: exactly the simulator's host
    });
    servers.push(pk);
    return {
      name,
      label: `Portkey ${PORTKEY_VERSION}`,
      url: pk.url,
      pid: pk.child.pid,
      headers: {
        authorization: `Bearer ${UPSTREAM_KEY}`,
        'x-portkey-provider': 'openai',
        'x-portkey-custom-host': `${sim.url}/v1`,
      },
    };
  }
  // llmops: the gateway with the simulator as its global upstream, one project and one token.
  const managementToken = randomBytes(24).toString('hex');
  const gw = await startServer([CLI, 'proxy', '--port', '0', '--host', '127.0.0.1'], {
    ...LLMOPS_ENV,
    MANAGEMENT_TOKEN: managementToken,
    OPENAI_API_URL: sim.url,
    DATABASE_PATH: join(dir, `${name}.db`),
    ...VARIANTS[name]?.env,
  });
  servers.push(gw);
  const manage = { authorization: `Bearer ${managementToken}` };
  const project = await call(`${gw.url}/manage/projects`, {
    headers: manage,
    body: { name: 'bench', api_key: UPSTREAM_KEY },
  });
  if (project.status < 200 || project.status >= 300)
    throw new Error(`llmops: POST /manage/projects → HTTP ${project.status}: ${project.text}`);
  const projectId = JSON.parse(project.text).id;
  if (!projectId) throw new Error(`llmops: POST /manage/projects answered without an id: ${project.text}`);
  const token = await call(`${gw.url}/manage/tokens`, {
    headers: manage,
    body: { project_id: projectId, duration_minutes: 60 },
  });
  if (token.status < 200 || token.status >= 300)
    throw new Error(`llmops: POST /manage/tokens → HTTP ${token.status}: ${token.text}`);
  const bearer = JSON.parse(token.text).token;
  if (!bearer) throw new Error(`llmops: POST /manage/tokens answered without a token`);
  return {
    name,
    label: VARIANTS[name]?.label ?? 'llmops proxy',
    url: gw.url,
    pid: gw.child.pid,
    headers: { authorization: `Bearer ${bearer}` },
  };
}

/** One request per scenario before measuring: 2xx, a real answer, and for streams the terminating [DONE]. */
async function checkTarget(t, s) {
  const res = await call(`${t.url}${PATH}`, { headers: t.headers, body: s.body });
  const what = `${t.label}, ${s.key}`;
  if (res.status < 200 || res.status >= 300)
    throw new Error(`${what}: HTTP ${res.status}: ${res.text.slice(0, 500)}`);
  if (s.stream) {
    if (!String(res.headers['content-type']).startsWith('text/event-stream'))
      throw new Error(`${what}: content-type ${res.headers['content-type']}, not text/event-stream`);
    const events = res.text
      .split('\n')
      .filter((l) => l.startsWith('data:'))
      .map((l) => l.slice(5).trim());
    const done = events.filter((e) => e === '[DONE]').length;
    const content = events.filter((e) => e !== '[DONE]' && JSON.parse(e).choices?.[0]?.delta?.content).length;
    if (done !== 1 || content !== STREAM_TOKENS)
      throw new Error(
        `${what}: stream has ${content} content chunks and ${done} [DONE]: ${res.text.slice(-300)}`,
      );
  } else {
    const body = JSON.parse(res.text);
    if (typeof body.choices?.[0]?.message?.content !== 'string')
      throw new Error(`${what}: not a chat completion: ${res.text.slice(0, 300)}`);
  }
}

function cannon(t, body) {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: `${t.url}${PATH}`,
        method: 'POST',
        headers: { 'content-type': 'application/json', ...t.headers },
        body,
        connections: CONNECTIONS,
        duration: SECONDS,
      },
      (err, r) => (err ? reject(err) : resolve(r)),
    );
  });
}

async function load(t, s, sim, simPort) {
  const cpu0 = cpuSeconds(t.pid);
  const up0 = cpuSeconds(sim.child.pid);
  const { result: r, opened } = await countNewConnections(simPort, () => cannon(t, s.body));
  const cpu = cpuSeconds(t.pid) - cpu0;
  const up = cpuSeconds(sim.child.pid) - up0;
  const bad = r.non2xx + r.errors + r.timeouts;
  if (bad > 0)
    throw new Error(
      `${t.label}, ${s.key}: ${bad} failed requests (non2xx ${r.non2xx}, errors ${r.errors}, timeouts ${r.timeouts})`,
    );
  const n = Math.max(1, r.requests.total);
  return {
    rps: r.requests.average,
    requests: r.requests.total,
    cpuPerReqUs: (cpu / n) * 1e6,
    upstreamCpuPerReqUs: (up / n) * 1e6,
    newUpstreamConns: opened,
    rss: rssBytes(t.pid),
  };
}

/** One sequential request: total time and time to first byte (headers for JSON, first body chunk for streams). */
async function timeOne(client, t, s) {
  const t0 = performance.now();
  const res = await client.request({
    path: PATH,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...t.headers },
    body: s.body,
  });
  const tHeaders = performance.now();
  let tFirst;
  let tail = '';
  for await (const chunk of res.body) {
    tFirst ??= performance.now();
    if (s.stream) tail = (tail + chunk.toString('latin1')).slice(-64);
  }
  const tEnd = performance.now();
  if (res.statusCode < 200 || res.statusCode >= 300)
    throw new Error(`${t.label}, ${s.key} probe: HTTP ${res.statusCode}`);
  if (s.stream && !tail.includes('[DONE]'))
    throw new Error(`${t.label}, ${s.key} probe: stream without [DONE]`);
  return { total: tEnd - t0, first: s.stream ? tFirst - t0 : tHeaders - t0 };
}

/** Sequential requests, one connection per target, targets interleaved (rotating who goes first). */
async function probe(s, targets) {
  const clients = new Map(
    targets.map((t) => [t.name, new Client(new URL(t.url).origin, { keepAliveTimeout: 30_000 })]),
  );
  const samples = new Map(targets.map((t) => [t.name, { total: [], first: [] }]));
  try {
    for (let i = 0; i < PROBE_WARMUP + PROBE; i++) {
      for (let k = 0; k < targets.length; k++) {
        const t = targets[(i + k) % targets.length];
        const m = await timeOne(clients.get(t.name), t, s);
        if (i < PROBE_WARMUP) continue;
        samples.get(t.name).total.push(m.total);
        samples.get(t.name).first.push(m.first);
      }
    }
  } finally {
    await Promise.all([...clients.values()].map((c) => c.close()));
  }
  const out = {};
  for (const [name, x] of samples)
    out[name] = {
      p50Total: quantile(x.total, 0.5),
      p99Total: quantile(x.total, 0.99),
      p50First: quantile(x.first, 0.5),
      p99First: quantile(x.first, 0.99),
    };
  return out;
}

const TIMED_BODY = {
  model: TIMED.model,
  stream: true,
  max_tokens: TIMED.tokens,
  ignore_eos: true,
  messages: [{ role: 'user', content: "Stream an answer at a model's pace." }],
};

/**
 * One round of timed streams through `t`: TIMED.streams requests started TIMED.staggerMs apart, each measured by
 * the core client (TTFT and every inter-token gap, stamped as the bytes arrive). CPU is per relayed chunk.
 */
async function timedRound(t, sim, client) {
  const cpu0 = cpuSeconds(t.pid);
  const up0 = cpuSeconds(sim.child.pid);
  const ms = await Promise.all(
    Array.from({ length: TIMED.streams }, (_, i) =>
      sleep(i * TIMED.staggerMs).then(() =>
        client.measure(
          { baseUrl: t.url, path: PATH, body: TIMED_BODY, headers: t.headers },
          { collectContent: false },
        ),
      ),
    ),
  );
  const cpu = cpuSeconds(t.pid) - cpu0;
  const up = cpuSeconds(sim.child.pid) - up0;
  const bad = ms.filter((m) => m.errorClass !== null || m.tokenChunks !== TIMED.tokens);
  if (bad.length > 0)
    throw new Error(
      `${t.label}, timed streams: ${bad.length} of ${ms.length} failed or short (first: ${bad[0].errorClass ?? 'ok'} ` +
        `${bad[0].errorMessage ?? ''}, ${bad[0].tokenChunks} of ${TIMED.tokens} token chunks)`,
    );
  const chunks = TIMED.streams * TIMED.tokens;
  const ttft = ms.map((m) => m.ttft);
  const gaps = ms.flatMap((m) => m.interTokenGaps);
  return {
    cpuPerChunkUs: (cpu / chunks) * 1e6,
    upstreamCpuPerChunkUs: (up / chunks) * 1e6,
    ttftP50: quantile(ttft, 0.5),
    ttftP99: quantile(ttft, 0.99),
    gapP50: quantile(gaps, 0.5),
    gapP99: quantile(gaps, 0.99),
    rss: rssBytes(t.pid),
  };
}

/**
 * A warm-up round per target, then ROUNDS rounds in alternating order. Every figure is the median of the rounds'
 * own: with three busy processes on two cores, one round of a relay can see its TTFT p50 10 ms above the next.
 */
async function measureTimed(targets, sim) {
  const client = new UpstreamClient({ connections: TIMED.streams });
  try {
    for (const t of targets) await timedRound(t, sim, client);
    const runs = await alternatingRounds(
      ROUNDS,
      Object.fromEntries(targets.map((t) => [t.name, () => timedRound(t, sim, client)])),
    );
    return Object.fromEntries(
      targets.map((t) => {
        const r = runs[t.name];
        const m = (k) => median(r.map((x) => x[k]));
        return [
          t.name,
          {
            cpu: m('cpuPerChunkUs'),
            upstreamCpu: m('upstreamCpuPerChunkUs'),
            ttftP50: m('ttftP50'),
            ttftP99: m('ttftP99'),
            gapP50: m('gapP50'),
            gapP99: m('gapP99'),
            rss: r.at(-1).rss,
          },
        ];
      }),
    );
  } finally {
    await client.close();
  }
}

async function measureScenario(s, targets, sim, simPort) {
  const per = Object.fromEntries(targets.map((t) => [t.name, { rssBefore: rssBytes(t.pid) }]));
  const runs = await alternatingRounds(
    ROUNDS,
    Object.fromEntries(targets.map((t) => [t.name, () => load(t, s, sim, simPort)])),
  );
  for (const t of targets) {
    per[t.name].runs = runs[t.name];
    per[t.name].rssAfter = rssBytes(t.pid);
  }
  const latency = await probe(s, targets);
  for (const t of targets) {
    per[t.name].latency = latency[t.name];
    per[t.name].rssAfterProbe = rssBytes(t.pid);
  }
  return per;
}

async function main() {
  const dir = tempDir('llmops-bench-proxy-');
  const servers = [];
  try {
    const modelsFile = join(dir, 'models.yaml');
    writeFileSync(modelsFile, MODELS_YAML);
    const sim = await startServer([
      CLI,
      'sim',
      'llm',
      '--port',
      '0',
      '--models-file',
      modelsFile,
      '--timeline-capacity',
      '0',
    ]);
    servers.push(sim);
    const simPort = Number(new URL(sim.url).port);
    const targets = [];
    for (const name of ALL_TARGETS.filter((n) => TARGETS.includes(n)))
      targets.push(await startTarget(name, sim, dir, servers));
    for (const t of targets) for (const s of SCENARIOS) await checkTarget(t, s);
    await sleep(1000); // let start-up garbage be collected before the idle RSS is read
    const results = {};
    for (const s of SCENARIOS) results[s.key] = await measureScenario(s, targets, sim, simPort);
    const timed = await measureTimed(targets, sim);
    report(results, timed, targets, (await clientPortsOf(simPort)) !== null);
  } finally {
    for (const srv of servers.reverse()) await srv.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const ms = (x) => fmt(x, 2);
const signed = (x, digits = 2) => `${x >= 0 ? '+' : '−'}${fmt(Math.abs(x), digits)}`;
const verdict = (ok) => (ok ? 'met' : 'NOT met');

function summarize(r) {
  const m = (k) => median(r.runs.map((x) => x[k]));
  const conns = r.runs.map((x) => x.newUpstreamConns).filter((x) => x !== undefined);
  return {
    rps: m('rps'),
    cpu: m('cpuPerReqUs'),
    upstreamCpu: m('upstreamCpuPerReqUs'),
    conns: conns.length ? median(conns) : undefined,
    requests: m('requests'),
    ...r,
  };
}

function report(results, timed, targets, haveSs) {
  const byName = Object.fromEntries(targets.map((t) => [t.name, t]));
  console.log(
    `\nbench:proxy — zero-delay simulator upstream; throughput: ${CONNECTIONS} connections, ${SECONDS}s × ${ROUNDS} ` +
      `rounds (alternating order), medians; latency: ${PROBE} sequential requests per target on one keep-alive ` +
      `connection after ${PROBE_WARMUP} warm-up, targets interleaved; "added" = target's percentile − direct's\n`,
  );
  const sum = {};
  for (const s of SCENARIOS) {
    const rows = Object.fromEntries(targets.map((t) => [t.name, summarize(results[s.key][t.name])]));
    sum[s.key] = rows;
    const d = rows.direct;
    console.log(`### ${s.title}\n`);
    console.log(
      '| target | req/s | ratio to direct | CPU µs/req | RSS before→after load (MB) | added p50 / p99 total (ms) ' +
        `| added p50 / p99 first ${s.stream ? 'chunk' : 'byte (headers)'} (ms) | new upstream conns/run |`,
    );
    console.log('|---|---|---|---|---|---|---|---|');
    for (const t of targets) {
      const r = rows[t.name];
      const L = r.latency;
      const lat =
        t.name === 'direct'
          ? [
              `${ms(L.p50Total)} / ${ms(L.p99Total)} (absolute)`,
              `${ms(L.p50First)} / ${ms(L.p99First)} (absolute)`,
            ]
          : d
            ? [
                `${signed(L.p50Total - d.latency.p50Total)} / ${signed(L.p99Total - d.latency.p99Total)}`,
                `${signed(L.p50First - d.latency.p50First)} / ${signed(L.p99First - d.latency.p99First)}`,
              ]
            : [
                `${ms(L.p50Total)} / ${ms(L.p99Total)} (absolute)`,
                `${ms(L.p50First)} / ${ms(L.p99First)} (absolute)`,
              ];
      const conns =
        r.conns === undefined ? 'n/a' : `${fmt(r.conns)}${t.name === 'direct' ? ' (autocannon)' : ''}`;
      console.log(
        `| ${t.label} | ${fmt(r.rps)} | ${d ? fmt(r.rps / d.rps, 2) : 'n/a'} | ${fmt(r.cpu)}` +
          `${t.name === 'direct' ? ' (simulator)' : ''} | ${fmt(r.rssBefore / MB)} → ${fmt(r.rssAfter / MB)} ` +
          `(${signed((r.rssAfter - r.rssBefore) / MB, 0)}) | ${lat[0]} | ${lat[1]} | ${conns} |`,
      );
    }
    printUpstreamCpu(rows, targets, 'req');
    console.log('');
  }
  if (!haveSs) console.log('(`ss` not available: upstream connection counts not measured)\n');
  reportTimed(timed, targets);

  console.log('### llmops targets\n');
  if (!byName.llmops) {
    console.log('llmops not measured (BENCH_TARGETS leaves it out)');
    return;
  }
  for (const s of SCENARIOS) {
    const { llmops: g, direct: d, portkey: p, pipe: pp } = sum[s.key];
    const parts = [];
    if (d) parts.push(`${fmt(g.rps / d.rps, 2)}× direct (≥ 0.55: ${verdict(g.rps / d.rps >= 0.55)})`);
    else parts.push('vs direct n/a');
    if (p) parts.push(`${fmt(g.rps / p.rps, 1)}× Portkey (≥ 8: ${verdict(g.rps / p.rps >= 8)})`);
    else parts.push('vs Portkey n/a');
    console.log(`- ${s.key} throughput: ${fmt(g.rps)} req/s = ${parts.join(', ')}`);
    if (d)
      console.log(
        `- ${s.key} CPU/request: ${fmt(g.cpu)} µs vs the upstream's own ${fmt(d.cpu)} µs = ${fmt(g.cpu / d.cpu, 2)}× ` +
          `(≤ 2×: ${verdict(g.cpu <= 2 * d.cpu)})`,
      );
    else console.log(`- ${s.key} CPU/request: ${fmt(g.cpu)} µs (upstream's own n/a: direct not measured)`);
    if (d) {
      const a = {
        p50Total: g.latency.p50Total - d.latency.p50Total,
        p50First: g.latency.p50First - d.latency.p50First,
        p99Total: g.latency.p99Total - d.latency.p99Total,
        p99First: g.latency.p99First - d.latency.p99First,
      };
      const first = s.stream ? 'first chunk' : 'first byte';
      console.log(
        `- ${s.key} added latency: p50 ${signed(a.p50Total)} ms total, ${signed(a.p50First)} ms ${first} ` +
          `(≤ 0.3: ${verdict(Math.max(a.p50Total, a.p50First) <= 0.3)}); p99 ${signed(a.p99Total)} ms total, ` +
          `${signed(a.p99First)} ms ${first} (≤ 1: ${verdict(Math.max(a.p99Total, a.p99First) <= 1)})`,
      );
    } else console.log(`- ${s.key} added latency: n/a (direct not measured)`);
    if (pp)
      console.log(
        `- ${s.key} against the bare pipe (no features; reference, no target): ${fmt(g.rps / pp.rps, 2)}× its ` +
          `req/s, ${fmt(g.cpu / pp.cpu, 2)}× its CPU/request (${fmt(g.cpu - pp.cpu)} µs more)`,
      );
    if (g.conns !== undefined)
      console.log(
        `- ${s.key} upstream connections opened per run: ${fmt(g.conns)} for ~${fmt(g.requests)} requests ` +
          `(${fmt((g.conns / g.requests) * 1000, 1)} per 1,000; pooled, at most 2 per client connection: ` +
          `${verdict(g.conns <= 2 * CONNECTIONS)})`,
      );
  }
  // RSS is flat when it does not grow with the number of requests served: within each scenario, the RSS after its
  // last round stays within 10% of the RSS after its first round (same workload, so the same working set).
  const idle = sum[SCENARIOS[0].key].llmops.rssBefore;
  const end = sum[SCENARIOS.at(-1).key].llmops.rssAfterProbe;
  const growth = SCENARIOS.map((s) => {
    const runs = sum[s.key].llmops.runs;
    const [a, b] = [runs[0].rss, runs.at(-1).rss];
    return { key: s.key, a, b, ok: b <= a * 1.1 };
  });
  const perScenario = growth
    .map((x) => `${x.key} ${fmt(x.a / MB)} → ${fmt(x.b / MB)} MB (${signed(((x.b - x.a) / x.a) * 100, 0)}%)`)
    .join(', ');
  console.log(
    `- RSS: idle ${fmt(idle / MB)} MB, ${fmt(end / MB)} MB at the end; first → last round: ${perScenario} ` +
      (ROUNDS < 2
        ? '(flat: needs BENCH_ROUNDS ≥ 2 to judge)'
        : `(flat, ≤ 10% between first and last round: ${verdict(growth.every((x) => x.ok))})`),
  );
}

await main();

/** The simulator's own CPU in the direct run, then while it served each relay (`rows` by target name). */
function printUpstreamCpu(rows, targets, unit) {
  if (rows.direct)
    console.log(`\nupstream (simulator) CPU during the direct run: ${fmt(rows.direct.cpu)} µs/${unit}`);
  for (const t of targets)
    if (t.name !== 'direct')
      console.log(
        `upstream (simulator) CPU while serving ${t.label}: ${fmt(rows[t.name].upstreamCpu)} µs/${unit}`,
      );
}

function reportTimed(timed, targets) {
  const d = timed.direct;
  const pp = timed.pipe;
  console.log(
    `### timed streams (${fmt(TIMED.streams)} at once, started ${TIMED.staggerMs} ms apart; ${TIMED.tokens} tokens, ` +
      `the first after ${TIMED.firstTokenMs} ms, then one every ${TIMED.tokenMs} ms; a warm-up round, then ` +
      `${ROUNDS} rounds in alternating order; each figure the median of the rounds' own)\n`,
  );
  console.log(
    '| target | CPU µs per relayed chunk | vs the bare pipe | TTFT p50 / p99 (ms) ' +
      '| added TTFT p50 / p99 (ms) | inter-token gap p50 / p99 (ms) | RSS after (MB) |',
  );
  console.log('|---|---|---|---|---|---|---|');
  for (const t of targets) {
    const r = timed[t.name];
    const added =
      t.name === 'direct' || !d ? '—' : `${signed(r.ttftP50 - d.ttftP50)} / ${signed(r.ttftP99 - d.ttftP99)}`;
    console.log(
      `| ${t.label} | ${t.name === 'direct' ? `${fmt(r.cpu)} (simulator)` : fmt(r.cpu)} ` +
        `| ${t.name === 'direct' || !pp ? '—' : `${fmt(r.cpu / pp.cpu, 2)}×`} | ${ms(r.ttftP50)} / ${ms(r.ttftP99)} ` +
        `| ${added} | ${ms(r.gapP50)} / ${ms(r.gapP99)} | ${fmt(r.rss / MB)} |`,
    );
  }
  if (d) printUpstreamCpu(timed, targets, 'chunk');
  console.log(
    `\nAt a model's pace every chunk is its own read and write, so a relay's CPU per chunk is what it costs a real ` +
      `deployment. The inter-token gap should stay at ${TIMED.tokenMs} ms; a relay that buffers shows it there. ` +
      `TTFT here is under load on a shared 2-core machine; the added latency of one request alone is the ` +
      `sequential probe's, above.\n`,
  );
}
