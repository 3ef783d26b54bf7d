import type { Rng } from '../scenario/random.js';

/** How a simulated user's questions group into conversations (`userBehavior.conversationStyle`). */
export interface ConversationStyle {
  /** The chance that a question continues the conversation (or, with `turns`, that a conversation has several). */
  multiTurnProbability: number;
  /** `turnsPerConversation`: a multi-turn conversation lasts this many questions (drawn per conversation). */
  turns: { min: number; max: number } | null;
}

/**
 * Decides, question by question, whether it starts a new conversation or continues the current one. Without
 * `turns`, each question after the first continues with `multiTurnProbability` (the original's rule). With
 * `turns`, each new conversation is multi-turn with that probability and then lasts a drawn number of questions.
 */
export class ConversationPlanner {
  private turnsLeft = 0;
  private asked = 0;

  constructor(private readonly style: ConversationStyle) {}

  /** True when the next question continues the conversation; false when it starts a new one. */
  continues(r: Rng): boolean {
    const first = this.asked++ === 0;
    const { multiTurnProbability: p, turns } = this.style;
    if (!turns) return !first && r.chance(p);
    if (!first && this.turnsLeft > 0) {
      this.turnsLeft--;
      return true;
    }
    this.turnsLeft = r.chance(p) ? r.int(turns.min, turns.max) - 1 : 0;
    return false;
  }
}
