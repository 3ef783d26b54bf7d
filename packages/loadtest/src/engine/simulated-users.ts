import { epochNow, monoNow } from '@llmops/core';
import type { Rng } from '../scenario/random.js';
import { thinkTimeSampler } from '../scenario/think-time.js';
import { ConversationPlanner } from './conversation.js';
import type { JobFactory } from './job-factory.js';
import type { ChatTurn, LoadRun } from './load-run.js';
import { patternSeconds, targetUsersAt } from './load-pattern.js';
import { shardCount } from './shards.js';
import type { RunPlan } from './run-plan.js';
import { sleep } from './sleep.js';

/** How often a load pattern's target is re-read and users started or sent away. */
export const PATTERN_TICK_MS = 100;

/**
 * The least a user waits after a session that asked nothing (0 questions drawn, or a sessionDuration already up)
 * before the next: such a session takes no time, and sessions back to back without a timer in between would keep
 * the event loop from ever reaching the run's deadline (100% CPU, maxDurationSec never firing).
 */
export const EMPTY_SESSION_PAUSE_MS = 100;

type UsersPlan = RunPlan['users'];

/** Seconds one session may last (`sessionDuration`), or Infinity without one. */
function sessionSeconds(u: UsersPlan, r: Rng): number {
  const s = u.sessionS;
  if (!s) return Infinity;
  if (s.distribution === 'gaussian') {
    const x = r.normal((s.min + s.max) / 2, (s.max - s.min) / 6);
    return Math.min(s.max, Math.max(s.min, x));
  }
  return s.min + r.next() * (s.max - s.min);
}

/**
 * One session of one simulated user: `questionsPerSession` questions (and/or until `sessionDuration` is up) with
 * think time between them; with `multiTurnProbability` a question continues the conversation (history carried
 * forward), else it starts a new one. `leave` ends it after the request in flight. Resolves to the number of
 * requests sent, or null when the run stopped before a request could go out.
 */
async function runSession(
  run: LoadRun,
  jobs: JobFactory,
  user: number,
  r: Rng,
  think: (r: Rng) => number,
  leave: AbortSignal,
): Promise<number | null> {
  const u = run.plan.users;
  // Answers are kept only when a follow-up will carry them.
  const collect = u.multiTurnProbability > 0 && u.retainContext;
  const conversation = new ConversationPlanner({
    multiTurnProbability: u.multiTurnProbability,
    turns: u.turnsPerConversation,
  });
  const type = jobs.pickTestType(r);
  const questions = u.questionsPerSession
    ? r.int(u.questionsPerSession.min, u.questionsPerSession.max)
    : Infinity;
  const until = monoNow() + sessionSeconds(u, r) * 1000;
  let history: ChatTurn[] = [];
  let i = 0;
  for (; i < questions && !leave.aborted && monoNow() < until; i++) {
    const q = jobs.question(type, r);
    const turn: ChatTurn = { role: 'user', content: q };
    history = conversation.continues(r) && u.retainContext ? [...history, turn] : [turn];
    const m = await run.send(jobs.jobFor(user, type, history, q, r, epochNow(), collect));
    if (m === null) return null;
    if (m.ok && collect) history = [...history, { role: 'assistant', content: m.content }];
    if (i < questions - 1) await sleep(Math.min(think(r) * 1000, until - monoNow()), leave);
  }
  return i;
}

/**
 * Simulated users (the seed's model): every user of this worker starts `staggerMs` after the previous one and
 * runs one session (or sessions back to back with `continuousLoop`) until the run ends.
 */
export async function usersLoop(
  run: LoadRun,
  jobs: JobFactory,
  users: readonly number[],
  rng: Rng,
): Promise<void> {
  const u = run.plan.users;
  const think = thinkTimeSampler(u.thinkTime);
  const oneUser = async (user: number, order: number): Promise<void> => {
    const r = rng.fork(user);
    await sleep(order * u.staggerMs, run.signal);
    if (run.stopped) return;
    run.usersActive++;
    try {
      do {
        const asked = await runSession(run, jobs, user, r, think, run.signal);
        if (asked === null) return;
        if (asked === 0 && u.continuous) await sleep(EMPTY_SESSION_PAUSE_MS, run.signal);
      } while (u.continuous && !run.stopped);
    } finally {
      run.usersActive--;
    }
  };
  await Promise.all(users.map((user, order) => oneUser(user, order)));
}

/**
 * Simulated users following the scenario's `loadPattern`: every {@link PATTERN_TICK_MS} the number of active
 * users is brought to the pattern's target — new users start at once, surplus users (the latest started) leave
 * after the request they have in flight. An active user runs sessions back to back, thinking between them, until
 * it is sent away. Ends with the pattern's last phase. User u belongs to worker u mod workers, so N workers
 * together follow the pattern.
 */
export async function patternLoop(run: LoadRun, jobs: JobFactory, rng: Rng): Promise<void> {
  const u = run.plan.users;
  const phases = u.pattern;
  if (!phases) throw new Error('patternLoop needs a load pattern');
  const { shard } = run.plan;
  const think = thinkTimeSampler(u.thinkTime);
  const active: { leave: AbortController; done: Promise<void> }[] = [];
  const leaving = new Set<Promise<void>>();
  let starts = 0;
  const startUser = (user: number): void => {
    // A user sent away and started again later gets a fresh stream, so it does not repeat its questions.
    const r = rng.fork(`${user}:${starts++}`);
    const leave = new AbortController();
    const done = (async (): Promise<void> => {
      run.usersActive++;
      try {
        while (!leave.signal.aborted) {
          const asked = await runSession(run, jobs, user, r, think, leave.signal);
          if (asked === null) break;
          const thinkMs = think(r) * 1000;
          await sleep(asked === 0 ? Math.max(thinkMs, EMPTY_SESSION_PAUSE_MS) : thinkMs, leave.signal);
        }
      } finally {
        run.usersActive--;
      }
    })();
    active.push({ leave, done });
  };
  const sendAway = (): void => {
    const a = active.pop();
    if (!a) return;
    a.leave.abort();
    leaving.add(a.done);
    void a.done.finally(() => leaving.delete(a.done));
  };
  const endS = patternSeconds(phases);
  const t0 = monoNow();
  while (!run.stopped) {
    const t = (monoNow() - t0) / 1000;
    if (t >= endS) break;
    const target = targetUsersAt(phases, t);
    run.label = target.phase ? `phase ${target.phase.name}: ${target.users} users` : null;
    const want = shardCount(target.users, shard);
    while (active.length < want) startUser(shard.index + active.length * shard.count);
    while (active.length > want) sendAway();
    await sleep(Math.min(PATTERN_TICK_MS, (endS - t) * 1000), run.signal);
  }
  run.label = null;
  while (active.length > 0) sendAway();
  await Promise.all([...leaving]);
}
