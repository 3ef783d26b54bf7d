// A bare SSE reader in its own process, the peer of the load generator for streamed answers:
// `node sse-reader-child.js '<spec JSON>'` with { url, body, connections, seconds, warmupS?, ttftFile? } keeps
// `connections` streamed requests in flight on keep-alive node:http connections for `seconds` (after `warmupS`), and
// for every event splits the lines, JSON-parses the data and counts the chunks carrying content — the least a client
// must do to count tokens: no metrics, no error classes, no timeouts. With `ttftFile` it also writes one JSON line
// per request sent after the warm-up, { requestId, sentAt, ttftMs }, TTFT taken as the generator takes it (send → arrival of
// the bytes holding the first content chunk, stamped before parsing). Prints one JSON line with counts and CPU time.
import { writeFileSync } from 'node:fs';
import http from 'node:http';

const spec = JSON.parse(process.argv[2] ?? '{}');
const url = new URL(spec.url);
const body = Buffer.from(spec.body);
const agent = new http.Agent({ keepAlive: true, maxSockets: spec.connections });
const warmupMs = (spec.warmupS ?? 0) * 1000;

let tokenEvents = 0;
let events = 0;
let requests = 0;
let failures = 0;
const ttfts = [];

/** Parses the complete events at the start of `state.rest`, keeps the incomplete tail; returns content chunks seen. */
function consume(state) {
  const text = state.rest;
  let found = 0;
  let start = 0;
  for (let end = text.indexOf('\n\n'); end !== -1; end = text.indexOf('\n\n', start)) {
    const block = text.slice(start, end);
    start = end + 2;
    events++;
    for (const line of block.split('\n')) {
      if (!line.startsWith('data:')) continue;
      const data = line.slice(line[5] === ' ' ? 6 : 5);
      if (data === '[DONE]') continue;
      const content = JSON.parse(data).choices?.[0]?.delta?.content;
      if (typeof content === 'string' && content.length > 0) found++;
    }
  }
  state.rest = text.slice(start);
  return found;
}

function one(record) {
  return new Promise((resolve) => {
    const tSend = performance.now();
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': body.length },
      },
      (res) => {
        if (res.statusCode !== 200) failures++;
        res.setEncoding('utf8');
        const state = { rest: '' };
        let ttftMs = null;
        res.on('data', (chunk) => {
          const t = performance.now();
          state.rest += chunk;
          const found = consume(state);
          tokenEvents += found;
          if (found > 0 && ttftMs === null) ttftMs = t - tSend;
        });
        res.on('end', () => {
          requests++;
          if (record)
            ttfts.push({
              requestId: res.headers['x-request-id'] ?? null,
              sentAt: performance.timeOrigin + tSend,
              ttftMs,
            });
          resolve();
        });
        res.on('error', () => (failures++, resolve()));
      },
    );
    req.on('error', () => (failures++, resolve()));
    req.end(body);
  });
}

const cpu0 = process.cpuUsage();
const t0 = performance.now();
const measureFrom = t0 + warmupMs;
const end = measureFrom + spec.seconds * 1000;
let lastDone = t0;
await Promise.all(
  Array.from({ length: spec.connections }, async () => {
    while (performance.now() < end) {
      await one(performance.now() >= measureFrom);
      lastDone = performance.now();
    }
  }),
);
const cpu = process.cpuUsage(cpu0);
agent.destroy();
if (spec.ttftFile) writeFileSync(spec.ttftFile, ttfts.map((x) => JSON.stringify(x)).join('\n'));
const durationS = (lastDone - t0) / 1000;
process.stdout.write(
  `${JSON.stringify({
    cpuS: (cpu.user + cpu.system) / 1e6,
    durationS,
    requests,
    failures,
    events,
    tokenEvents,
    tokenEventsPerS: tokenEvents / durationS,
  })}\n`,
);
