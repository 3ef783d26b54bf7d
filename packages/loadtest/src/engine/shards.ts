// How users are split among the workers of a distributed run: user u belongs to worker u mod count. Every place
// that needs a worker's users or their number asks here, so the rule lives in one place.
import type { Shard } from '../metrics/run-result.js';

/** This worker's users among 0..users−1, in order. */
export function shardUsers(users: number, shard: Shard): number[] {
  const out: number[] = [];
  for (let u = shard.index; u < users; u += shard.count) out.push(u);
  return out;
}

/** How many of the users 0..total−1 are this worker's (the length of `shardUsers`, without the list). */
export function shardCount(total: number, shard: Shard): number {
  return total <= shard.index ? 0 : Math.floor((total - 1 - shard.index) / shard.count) + 1;
}
