/**
 * Counters and histograms for request paths, exposed through a prom-client `Registry`.
 *
 * prom-client hashes the label object on every `inc`/`observe` (even on a `labels()` child) and walks its buckets
 * through object maps: ~2–3 µs an observation under load here, which made metrics the largest JS cost of the
 * simulator's and the gateway's request paths (README, design notes). These keep one child per label set, found
 * once; an observation is a bucket search over a `Float64Array` and two additions. The text a registry prints for
 * them is identical to prom-client's own Counter and Histogram (a test compares them line by line), so they mix
 * with ordinary prom-client metrics (gauges with `collect`, default metrics) in one registry.
 */
import type { Metric, Registry } from 'prom-client';

type Labels<L extends string> = Record<L, string>;

/** One value line of prom-client's `MetricObject` (what `Registry` formats). */
interface MetricValue {
  value: number;
  labels: Record<string, string | number>;
  metricName?: string;
  /** Always null here (no exemplars); present on bucket lines because prom-client's JSON form has it. */
  exemplar?: null;
}

interface MetricObject {
  name: string;
  help: string;
  type: 'counter' | 'histogram';
  values: MetricValue[];
  aggregator: 'sum';
}

interface LiteOptions<L extends string> {
  name: string;
  help: string;
  labelNames?: readonly L[];
  registers?: readonly Registry[];
}

abstract class LiteMetric<L extends string, C> {
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly L[];
  readonly aggregator = 'sum' as const;
  /** Children in creation order (the order prom-client prints them in), by their joined label values. */
  protected readonly children = new Map<string, { labels: Labels<L>; child: C }>();

  constructor(o: LiteOptions<L>) {
    this.name = o.name;
    this.help = o.help;
    this.labelNames = o.labelNames ?? [];
    // prom-client's Registry accepts any object with name/help/type/get(); its TS type only names its own classes.
    for (const r of o.registers ?? []) r.registerMetric(this as unknown as Metric);
  }

  protected abstract newChild(): C;

  /** The child for one label set: look it up once and keep it; every later call on it is cheap. */
  labels(values: Labels<L>): C {
    let key = '';
    for (const n of this.labelNames) {
      const v = values[n];
      if (typeof v !== 'string') throw new Error(`${this.name}: label "${n}" is missing`);
      key += `${v}\u0000`;
    }
    const found = this.children.get(key);
    if (found) return found.child;
    const labels = {} as Labels<L>;
    for (const n of this.labelNames) labels[n] = values[n];
    const child = this.newChild();
    this.children.set(key, { labels, child });
    return child;
  }

  /** Drops every child (prom-client's `reset`: label sets disappear until observed again). */
  reset(): void {
    this.children.clear();
  }
}

export class LiteCounterChild {
  value = 0;
  inc(n = 1): void {
    if (!(n >= 0)) throw new Error(`counter increment must be a non-negative number, got ${n}`);
    this.value += n;
  }
}

/** A Prometheus counter (prom-client's text form), one cheap child per label set. */
export class LiteCounter<L extends string = never> extends LiteMetric<L, LiteCounterChild> {
  readonly type = 'counter' as const;

  protected newChild(): LiteCounterChild {
    return new LiteCounterChild();
  }

  /** Increments the counter without labels (only for a counter declared without label names). */
  inc(n = 1): void {
    this.labels({} as Labels<L>).inc(n);
  }

  get(): MetricObject {
    const values: MetricValue[] = [];
    for (const { labels, child } of this.children.values()) values.push({ value: child.value, labels });
    // An unlabelled counter prints 0 before its first increment, as prom-client's does.
    if (this.labelNames.length === 0 && values.length === 0) values.push({ value: 0, labels: {} });
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }
}

export class LiteHistogramChild {
  /** Per-bucket (not cumulative) counts; the last slot is +Inf. */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(private readonly upper: Float64Array) {
    this.counts = new Float64Array(upper.length + 1);
  }

  observe(v: number): void {
    if (Number.isNaN(v)) throw new Error('histogram value must be a number, got NaN');
    const upper = this.upper;
    let i = 0;
    while (i < upper.length && v > (upper[i] as number)) i++;
    (this.counts[i] as number) += 1;
    this.sum += v;
    this.count += 1;
  }
}

/** A Prometheus histogram (prom-client's text form: `_bucket` with `le`, `_sum`, `_count`). */
export class LiteHistogram<L extends string = never> extends LiteMetric<L, LiteHistogramChild> {
  readonly type = 'histogram' as const;
  readonly buckets: readonly number[];
  private readonly upper: Float64Array;

  constructor(o: LiteOptions<L> & { buckets: readonly number[] }) {
    super(o);
    const sorted = [...o.buckets].sort((a, b) => a - b);
    if (sorted.some((b, i) => !Number.isFinite(b) || (i > 0 && b === sorted[i - 1])))
      throw new Error(`${o.name}: buckets must be distinct finite numbers`);
    this.buckets = sorted;
    this.upper = Float64Array.from(sorted);
    // An unlabelled histogram prints its empty buckets from the start (until a reset), as prom-client's does.
    if (this.labelNames.length === 0) this.labels({} as Labels<L>);
  }

  protected newChild(): LiteHistogramChild {
    return new LiteHistogramChild(this.upper);
  }

  /** Observes without labels (only for a histogram declared without label names). */
  observe(v: number): void {
    this.labels({} as Labels<L>).observe(v);
  }

  get(): MetricObject {
    const values: MetricValue[] = [];
    const add = (labels: Labels<L>, child: LiteHistogramChild): void => {
      let cumulative = 0;
      this.buckets.forEach((le, i) => {
        cumulative += child.counts[i] as number;
        values.push({
          value: cumulative,
          labels: { le, ...labels },
          metricName: `${this.name}_bucket`,
          exemplar: null,
        });
      });
      values.push({
        value: child.count,
        labels: { le: '+Inf', ...labels },
        metricName: `${this.name}_bucket`,
        exemplar: null,
      });
      values.push({ value: child.sum, labels, metricName: `${this.name}_sum` });
      values.push({ value: child.count, labels, metricName: `${this.name}_count` });
    };
    for (const { labels, child } of this.children.values()) add(labels, child);
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }
}
