/**
 * The scenario's `loadPattern`: phases, each moving the number of active simulated users from where the previous
 * phase left it (0 before the first) to its `targetActiveUsers` over its `duration`:
 * - `linear`: in a straight line;
 * - `exponential`: by a constant factor per second (from at least one user), so most of the growth comes late;
 * - `step`: at once, at the start of the phase, then held.
 * A `steady` phase is one whose target equals the previous one. The run ends when the last phase does.
 */
export type RampStrategy = 'linear' | 'exponential' | 'step';

export interface LoadPhasePlan {
  name: string;
  durationS: number;
  /** Active users at the end of the phase (whole run, before sharding across workers). */
  targetUsers: number;
  ramp: RampStrategy;
}

export function patternSeconds(phases: readonly LoadPhasePlan[]): number {
  return phases.reduce((s, p) => s + p.durationS, 0);
}

/** The most users the pattern ever asks for. */
export function patternPeakUsers(phases: readonly LoadPhasePlan[]): number {
  return phases.reduce((m, p) => Math.max(m, p.targetUsers), 0);
}

function ramp(from: number, to: number, f: number, how: RampStrategy): number {
  if (how === 'step' || f >= 1) return to;
  if (how === 'linear') return from + (to - from) * f;
  const a = Math.max(1, from);
  const b = Math.max(1, to);
  return a * (b / a) ** f;
}

/**
 * Active users the pattern asks for `tS` seconds into the run, rounded to whole users; the last phase's target
 * once the pattern is over. Also names the phase, for the live view.
 */
export function targetUsersAt(
  phases: readonly LoadPhasePlan[],
  tS: number,
): { users: number; phase: LoadPhasePlan | null } {
  let start = 0;
  let from = 0;
  for (const p of phases) {
    if (tS < start + p.durationS) {
      const f = Math.max(0, (tS - start) / p.durationS);
      return { users: Math.round(ramp(from, p.targetUsers, f, p.ramp)), phase: p };
    }
    start += p.durationS;
    from = p.targetUsers;
  }
  return { users: from, phase: null };
}
