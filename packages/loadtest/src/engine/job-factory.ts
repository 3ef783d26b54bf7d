import { epochNow } from '@llmops/core';
import { QuestionGenerator } from '../scenario/questions.js';
import type { Rng } from '../scenario/random.js';
import { thinkTimeSampler, tokenSampler } from '../scenario/think-time.js';
import type { ChatTurn, RequestJob } from './load-run.js';
import type { RunPlan, TestTypePlan } from './run-plan.js';

/** Long-document test types ask for at least this many prompt tokens. */
export const LONG_PROMPT_TOKENS = 240;

/**
 * Turns the plan's test types into requests: picks a test type by weight, writes the question, chooses the model
 * (the original's rule: a question shorter than 100 characters goes to the first small model, else the first
 * medium one) and the output length.
 */
export class JobFactory {
  private readonly generators = new Map<string, QuestionGenerator>();
  private readonly promptTokens: ((rng: Rng) => number) | null;
  private readonly maxTokens: ((rng: Rng) => number) | null;
  private readonly temperature: ((rng: Rng) => number) | null;

  constructor(private readonly plan: RunPlan) {
    for (const t of plan.testTypes)
      this.generators.set(
        t.name,
        new QuestionGenerator({
          strategy: t.strategy,
          seed: `${plan.seed}:${plan.testRunId}:${plan.shard.index}:${t.name}`,
          cacheBehavior: t.cacheBehavior,
          ...(t.cacheSalt !== null ? { cacheSalt: t.cacheSalt } : {}),
          templates: plan.questionTemplates,
        }),
      );
    this.promptTokens = plan.promptTokens ? tokenSampler(plan.promptTokens) : null;
    this.maxTokens = plan.maxTokens ? tokenSampler(plan.maxTokens) : null;
    // Drawn and clamped like think time, unrounded.
    this.temperature = plan.temperature ? thinkTimeSampler(plan.temperature) : null;
  }

  pickTestType(rng: Rng): TestTypePlan {
    const types = this.plan.testTypes;
    if (types.length === 1 && types[0]) return types[0];
    return rng.weighted(types, (t) => t.weight);
  }

  question(type: TestTypePlan, rng: Rng): string {
    const gen = this.generators.get(type.name);
    if (!gen) throw new Error(`no question generator for test type ${type.name}`);
    let target = this.promptTokens ? this.promptTokens(rng) : undefined;
    if (type.long) target = Math.max(target ?? 0, LONG_PROMPT_TOKENS);
    return gen.next(rng, target);
  }

  model(type: TestTypePlan, question: string): string {
    if (this.plan.modelOverride) return this.plan.modelOverride;
    const small = type.slmModels[0];
    const medium = type.mediumModels[0];
    if (small && (question.length < type.shortQuestionChars || !medium)) return small;
    return medium ?? this.plan.defaultModel;
  }

  /** A single-question request (rate and concurrency modes). */
  job(user: number, rng: Rng, scheduledAt = epochNow()): RequestJob {
    const type = this.pickTestType(rng);
    const q = this.question(type, rng);
    return this.jobFor(user, type, [{ role: 'user', content: q }], q, rng, scheduledAt, false);
  }

  jobFor(
    user: number,
    type: TestTypePlan,
    messages: readonly ChatTurn[],
    question: string,
    rng: Rng,
    scheduledAt: number,
    collectContent: boolean,
  ): RequestJob {
    return {
      user,
      testType: type.name,
      model: this.model(type, question),
      messages,
      stream: type.stream,
      maxTokens: this.maxTokens ? this.maxTokens(rng) : null,
      temperature: this.temperature ? this.temperature(rng) : null,
      cacheSalt: type.cacheSalt,
      scheduledAt,
      collectContent,
    };
  }
}
