// The load generator in its own process, as bench:loadtest drives it: `node loadtest-child.js '<spec JSON>'` runs one
// plan through the public API (loadConfig → planOf → executePlan) and prints one JSON line with the run's figures and
// the process's own CPU time and memory. Spec: { flags, users, jsonl?, memory? } — `flags` are loadtestRunConfig
// flags (durations as strings such as '5s': a bare number would be seconds), `jsonl` a file for the per-request
// records, `memory` reads RSS/heap after a forced GC at the end of the run (needs --expose-gc).
import { clearInterval, setInterval } from 'node:timers';
import { loadConfig } from '../../packages/core/dist/index.js';
import { executePlan, JsonlReporter, loadtestRunConfig, planOf } from '../../packages/loadtest/dist/index.js';

const spec = JSON.parse(process.argv[2] ?? '{}');
const cfg = loadConfig(loadtestRunConfig, { env: {}, flags: { progress: false, ...spec.flags } });
const plan = planOf(cfg, null, spec.users ?? cfg.concurrency ?? 1);

const reporters = [];
const jsonl = spec.jsonl ? new JsonlReporter(spec.jsonl) : null;
if (jsonl) reporters.push(jsonl);

// Peak RSS, sampled once a second (a timer per second costs the run nothing measurable).
let peakRss = process.memoryUsage.rss();
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 1000);
sampler.unref();

// Memory read in the run's own onEnd hook: every request has finished and the run's state (metrics, client,
// signals) is still alive, so whatever it accumulated per request is counted.
let atEnd = null;
if (spec.memory) {
  if (typeof globalThis.gc !== 'function') throw new Error('memory: run the child with --expose-gc');
  reporters.push({
    onEnd() {
      globalThis.gc();
      globalThis.gc();
      const m = process.memoryUsage();
      atEnd = { rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external };
    },
  });
}

const cpu0 = process.cpuUsage();
const t0 = performance.now();
const { result } = await executePlan(plan, { reporters });
const elapsedS = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
await jsonl?.close();
clearInterval(sampler);
peakRss = Math.max(peakRss, process.memoryUsage.rss());

const r = result.report;
const pick = (s) => ({ count: s.count, p50: s.p50, p90: s.p90, p99: s.p99, max: s.max });
process.stdout.write(
  `${JSON.stringify({
    elapsedS,
    cpuS: (cpu.user + cpu.system) / 1e6,
    stopReason: result.stopReason,
    achievedRate: result.achievedRate,
    durationS: r.durationS,
    requests: r.requests,
    sent: r.schedule.sent,
    errorsByClass: r.errorsByClass,
    requestsPerS: r.throughput.requestsPerS,
    outputTokens: r.tokens.output,
    outputSource: r.tokens.outputSource,
    latency: { e2e: pick(r.latency.e2e), ttft: pick(r.latency.ttft), itl: pick(r.latency.itl) },
    jsonlRecords: jsonl?.count ?? null,
    peakRss,
    memory: atEnd,
  })}\n`,
);
