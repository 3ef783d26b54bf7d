/**
 * Runs `fn` at the end of this turn of the event loop (its check phase), after every function queued before it,
 * in order, with the others of the same turn.
 *
 * What it is for: answers a server produces while it reads its sockets (a zero-delay upstream's whole answer, a
 * gateway's JSON answer) leave together, one write after the other, once the loop has read every socket that was
 * ready. On a VM, a write to a loopback socket whose reader sleeps in `epoll_wait` pays for waking that process
 * (an inter-processor interrupt, a VM exit); a burst of writes pays it once, while the reader is still busy with
 * the first one. Measured on the zero-delay simulator at 50 connections, alternating (README, design notes).
 * The cost is the time the loop needs to handle the rest of what it read in this turn: nothing when it read
 * only one socket, as with a single client.
 */
export function atTurnEnd(fn: () => void): void {
  queue.push(fn);
  if (!scheduled) {
    scheduled = true;
    setImmediate(runQueued);
  }
}

let queue: Array<() => void> = [];
let scheduled = false;

function runQueued(): void {
  scheduled = false;
  const fns = queue;
  queue = [];
  for (const fn of fns) {
    try {
      fn();
    } catch (err) {
      // One failing function must not drop the answers queued behind it; the error surfaces as it would have
      // where the function was queued from (an uncaught exception), after the rest have run.
      process.nextTick(() => {
        throw err;
      });
    }
  }
}
