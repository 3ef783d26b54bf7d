// autocannon in its own process, the peer of loadtest-child.js: `node autocannon-child.js '<spec JSON>'` with
// { url, body, connections, seconds } POSTs the body for that long and prints one JSON line with its figures and
// the process's own CPU time.
import autocannon from 'autocannon';

const spec = JSON.parse(process.argv[2] ?? '{}');
const cpu0 = process.cpuUsage();
const r = await new Promise((resolve, reject) => {
  autocannon(
    {
      url: spec.url,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: spec.body,
      connections: spec.connections,
      duration: spec.seconds,
    },
    (err, res) => (err ? reject(err) : resolve(res)),
  );
});
const cpu = process.cpuUsage(cpu0);
process.stdout.write(
  `${JSON.stringify({
    cpuS: (cpu.user + cpu.system) / 1e6,
    total: r.requests.total,
    ok: r['2xx'],
    durationS: r.duration,
    averagePerSecond: r.requests.average,
    requestsPerS: r['2xx'] / r.duration,
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    latency: { p50: r.latency.p50, p99: r.latency.p99, max: r.latency.max },
  })}\n`,
);
