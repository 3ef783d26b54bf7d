// A bare node:http → undici pipe with no features at all (no token, no parsing, no metrics, no audit): the floor a
// gateway's relay cost is measured against in bench:proxy. Usage: node bare-pipe.js <upstream base URL>.
import http from 'node:http';
import { Agent } from 'undici';

const upstream = new URL(process.argv[2]);
const agent = new Agent({ keepAliveTimeout: 60_000, connections: null });
const HOP = new Set(['host', 'connection', 'keep-alive', 'content-length', 'transfer-encoding']);

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const headers = {};
    for (const k in req.headers) if (!HOP.has(k)) headers[k] = req.headers[k];
    agent.dispatch(
      { origin: upstream.origin, path: req.url, method: req.method, headers, body: Buffer.concat(chunks) },
      {
        onRequestStart() {},
        onResponseStart(_c, status, h) {
          const out = {};
          for (const k in h) if (!HOP.has(k) || k === 'content-length') out[k] = h[k];
          res.writeHead(status, out);
        },
        onResponseData(_c, chunk) {
          res.write(chunk);
        },
        onResponseEnd() {
          res.end();
        },
        onResponseError(_c, err) {
          if (res.headersSent) res.destroy(err);
          else {
            res.writeHead(502);
            res.end();
          }
        },
      },
    );
  });
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening on http://127.0.0.1:${server.address().port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
