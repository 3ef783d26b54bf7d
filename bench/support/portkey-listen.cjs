// Preloaded into Portkey's gateway (`node --require bench/support/portkey-listen.cjs …/start-server.js --port=0`):
// it has no host option and listens on every interface, and with --port=0 it prints `localhost:0`. This forces its
// listening socket onto 127.0.0.1 and prints `listening on <url>` like every llmops server, for startServer().
/* global process */
'use strict';
const net = process.getBuiltinModule('node:net'); // (Node ≥ 20.16; no require(), which the lint config forbids)

const listen = net.Server.prototype.listen;
let announced = false;

net.Server.prototype.listen = function (...args) {
  const cb = typeof args[args.length - 1] === 'function' ? args.pop() : undefined;
  const first = args[0];
  const port = first !== null && typeof first === 'object' ? (first.port ?? 0) : Number(first ?? 0);
  this.once('listening', () => {
    if (announced) return;
    announced = true;
    process.stdout.write(`\nlistening on http://127.0.0.1:${this.address().port}\n`);
  });
  return cb
    ? listen.call(this, { port, host: '127.0.0.1' }, cb)
    : listen.call(this, { port, host: '127.0.0.1' });
};
