/** USD per million tokens, input (prompt) and output (completion) separately. */
export interface ModelPrice {
  inputPerMTokUSD: number;
  outputPerMTokUSD: number;
}

/**
 * The original harness's flat prices ($ per 1M tokens of any kind), used only for models the scenario's own
 * price table leaves out, so its example scenarios still report a cost.
 */
export const FALLBACK_PRICES: Readonly<Record<string, number>> = {
  'gpt-4o': 5,
  'gpt-4': 30,
  'gpt-3.5-turbo': 0.5,
  'claude-3-opus': 15,
  'claude-3-sonnet': 3,
};

export type PriceTable = Readonly<Record<string, ModelPrice>>;

/** Cost of one request in USD, or null when the model has no price (counted as unpriced, never guessed). */
export function requestCost(
  prices: PriceTable,
  model: string,
  promptTokens: number,
  outputTokens: number,
): number | null {
  // Own keys only: a model named `constructor` or `toString` has no price, not Object's member (a NaN cost).
  const p = Object.hasOwn(prices, model) ? prices[model] : undefined;
  if (p) return (promptTokens * p.inputPerMTokUSD + outputTokens * p.outputPerMTokUSD) / 1e6;
  const flat = Object.hasOwn(FALLBACK_PRICES, model) ? FALLBACK_PRICES[model] : undefined;
  if (flat !== undefined) return ((promptTokens + outputTokens) * flat) / 1e6;
  return null;
}
