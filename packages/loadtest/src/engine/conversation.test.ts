import { describe, expect, it } from 'vitest';
import { Rng } from '../scenario/random.js';
import { ConversationPlanner, type ConversationStyle } from './conversation.js';

/** 'n' for a question starting a new conversation, 'c' for one continuing it. */
function pattern(style: ConversationStyle, questions: number, seed = 'conv'): string {
  const planner = new ConversationPlanner(style);
  const r = new Rng(seed);
  let out = '';
  for (let i = 0; i < questions; i++) out += planner.continues(r) ? 'c' : 'n';
  return out;
}

const style = (p: number, turns: ConversationStyle['turns'] = null): ConversationStyle => ({
  multiTurnProbability: p,
  turns,
});

describe('conversations (conversationStyle)', () => {
  it('without turnsPerConversation, continues each later question with multiTurnProbability', () => {
    expect(pattern(style(0), 6)).toBe('nnnnnn');
    expect(pattern(style(1), 6)).toBe('nccccc');
    const p = pattern(style(0.3), 10_001, 'many');
    const share = (p.slice(1).match(/c/g)?.length ?? 0) / 10_000;
    expect(share).toBeGreaterThan(0.28);
    expect(share).toBeLessThan(0.32);
  });

  it('with turnsPerConversation, multi-turn conversations last the drawn number of questions', () => {
    expect(pattern(style(1, { min: 3, max: 3 }), 9)).toBe('ncc'.repeat(3));
    expect(pattern(style(0, { min: 3, max: 3 }), 5)).toBe('nnnnn');
    // 2–4 turns: every run of continuations is 1 to 3 long.
    const p = pattern(style(1, { min: 2, max: 4 }), 2_000);
    const runs = p
      .split('n')
      .slice(1)
      .map((c) => c.length);
    expect(Math.min(...runs)).toBe(1);
    expect(Math.max(...runs.slice(0, -1))).toBe(3);
  });

  it('with turnsPerConversation, a share multiTurnProbability of conversations is multi-turn', () => {
    const p = pattern(style(0.5, { min: 2, max: 2 }), 20_000, 'share');
    const conversations = p.split('n').slice(1);
    const multi = conversations.filter((c) => c.length > 0).length / conversations.length;
    expect(multi).toBeGreaterThan(0.47);
    expect(multi).toBeLessThan(0.53);
  });
});
