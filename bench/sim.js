// npm run bench:sim — the zero-delay simulator against a bare node:http server returning the same bytes.
// Fixed parameters; targets rounds alternate order; medians of the rounds are printed with their ratios.
import autocannon from 'autocannon';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UpstreamClient } from '../packages/core/dist/index.js';
import { cpuSeconds, fmt, median, startServer, tempDir } from './support/procs.js';

const CONNECTIONS = 50;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const STREAM_TOKENS = 1000;
const CLI = new URL('../packages/cli/dist/bin.js', import.meta.url).pathname;
const BARE = new URL('./support/bare-server.js', import.meta.url).pathname;

const jsonBody = JSON.stringify({
  model: 'sim-small',
  max_tokens: 16,
  messages: [{ role: 'user', content: 'Hello, benchmark!' }],
});
const streamBody = JSON.stringify({
  model: 'sim-small',
  stream: true,
  max_tokens: STREAM_TOKENS,
  ignore_eos: true,
  messages: [{ role: 'user', content: 'Stream a long answer.' }],
});

function cannon(url, body) {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: `${url}/v1/chat/completions`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        connections: CONNECTIONS,
        duration: SECONDS,
      },
      (err, r) => (err ? reject(err) : resolve(r)),
    );
  });
}

async function run(target, body) {
  const cpu0 = cpuSeconds(target.child.pid);
  const r = await cannon(target.url, body);
  const cpu = cpuSeconds(target.child.pid) - cpu0;
  const bad = r.non2xx + r.errors + r.timeouts;
  if (bad > 0)
    throw new Error(
      `${target.name}: ${bad} failed requests (non2xx ${r.non2xx}, errors ${r.errors}, timeouts ${r.timeouts})`,
    );
  return {
    rps: r.requests.average,
    cpuPerReqUs: (cpu / Math.max(1, r.requests.total)) * 1e6,
    bytes: r.throughput.average,
  };
}

async function main() {
  const dir = tempDir('llmops-bench-sim-');
  const sim = {
    name: 'llmops sim',
    ...(await startServer([CLI, 'sim', 'llm', '--port', '0', '--zero-delay', '--timeline-capacity', '0'])),
  };
  const client = new UpstreamClient();
  try {
    // The bare servers answer with byte-identical bodies taken from the simulator itself.
    const jsonRes = await client.send({
      baseUrl: sim.url,
      path: '/v1/chat/completions',
      body: JSON.parse(jsonBody),
    });
    writeFileSync(join(dir, 'chat.json'), await jsonRes.body.text());
    const sseRes = await client.send({
      baseUrl: sim.url,
      path: '/v1/chat/completions',
      body: JSON.parse(streamBody),
    });
    writeFileSync(join(dir, 'chat.sse'), await sseRes.body.text());
    const check = await client.measure({
      baseUrl: sim.url,
      path: '/v1/chat/completions',
      body: JSON.parse(streamBody),
    });
    if (check.outputTokens !== STREAM_TOKENS || check.errorClass)
      throw new Error(`stream check failed: ${JSON.stringify(check.errorClass)} ${check.outputTokens}`);
    const bareJson = {
      name: 'bare node:http',
      ...(await startServer([BARE, join(dir, 'chat.json'), 'application/json'])),
    };
    const bareSse = {
      name: 'bare node:http (SSE)',
      ...(await startServer([BARE, join(dir, 'chat.sse'), 'text/event-stream'])),
    };
    const res = { simJson: [], bareJson: [], simSse: [], bareSse: [] };
    try {
      for (let round = 0; round < ROUNDS; round++) {
        const order = round % 2 === 0 ? ['sim', 'bare'] : ['bare', 'sim'];
        for (const who of order) {
          if (who === 'sim') res.simJson.push(await run(sim, jsonBody));
          else res.bareJson.push(await run(bareJson, jsonBody));
        }
        for (const who of order) {
          if (who === 'sim') res.simSse.push(await run(sim, streamBody));
          else res.bareSse.push(await run(bareSse, streamBody));
        }
      }
    } finally {
      await bareJson.stop();
      await bareSse.stop();
    }
    report(res);
  } finally {
    await client.close();
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function report(res) {
  const m = (xs, k) => median(xs.map((x) => x[k]));
  const simRps = m(res.simJson, 'rps');
  const bareRps = m(res.bareJson, 'rps');
  const simTok = m(res.simSse, 'rps') * STREAM_TOKENS;
  const bareTok = m(res.bareSse, 'rps') * STREAM_TOKENS;
  console.log(
    `\nbench:sim — ${CONNECTIONS} connections, ${SECONDS}s × ${ROUNDS} rounds (alternating order), medians\n`,
  );
  console.log('| target | non-streaming req/s | CPU µs/req | streamed tokens/s (1000-token answers) |');
  console.log('|---|---|---|---|');
  console.log(
    `| llmops sim llm --zero-delay | ${fmt(simRps)} | ${fmt(m(res.simJson, 'cpuPerReqUs'))} | ${fmt(simTok)} |`,
  );
  console.log(
    `| bare node:http, same bytes | ${fmt(bareRps)} | ${fmt(m(res.bareJson, 'cpuPerReqUs'))} | ${fmt(bareTok)} |`,
  );
  const ratio = simRps / bareRps;
  console.log(
    `\nnon-streaming req/s ratio sim/bare: ${fmt(ratio, 2)} (target ≥ 0.60: ${ratio >= 0.6 ? 'met' : 'NOT met'})`,
  );
  console.log(
    `streamed tokens/s: ${fmt(simTok)} (target ≥ 300,000: ${simTok >= 300_000 ? 'met' : 'NOT met'}); bare server serving the same stream bytes: ${fmt(bareTok)} (ratio ${fmt(simTok / bareTok, 2)})`,
  );
}

await main();
