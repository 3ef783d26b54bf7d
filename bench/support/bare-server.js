// A bare node:http server with no features at all: the peer every llmops server is measured against. It answers
// every POST with the fixed body it was given (JSON or a complete SSE stream), after reading the request.
import http from 'node:http';
import { readFileSync } from 'node:fs';

const [, , bodyFile, contentType] = process.argv;
const body = readFileSync(bodyFile);
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': contentType, 'content-length': body.length });
    res.end(body);
  });
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening on http://127.0.0.1:${server.address().port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
