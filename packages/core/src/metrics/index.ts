export { LatencyHistogram, HISTOGRAM_LOWEST_US, HISTOGRAM_HIGHEST_US } from './latency-histogram.js';
export type { LatencySummary, SerializedHistogram } from './latency-histogram.js';
export { quantileOfSorted } from './quantile.js';
export { LiteCounter, LiteCounterChild, LiteHistogram, LiteHistogramChild } from './lite-metrics.js';
