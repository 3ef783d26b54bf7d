import fc from 'fast-check';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { LiteCounter, LiteHistogram } from './lite-metrics.js';

const BUCKETS = [0.001, 0.005, 0.01, 0.1, 0.5, 1, 2.5, 10];

/** One observation on a label set: which model, which reason, and the value. */
const observation = fc.record({
  model: fc.constantFrom('a', 'b', 'quoted "model"\\x', 'new\nline'),
  reason: fc.constantFrom('stop', 'length'),
  value: fc.oneof(fc.double({ min: 0, max: 20, noNaN: true }), fc.constantFrom(...BUCKETS, 0, 1e-9, 1e9, -1)),
});

/** The same metrics built twice: once from prom-client's classes, once from ours, each in its own registry. */
function pair() {
  const prom = new Registry();
  const lite = new Registry();
  const labelled = {
    prom: new Histogram({
      name: 'h_seconds',
      help: 'A histogram.',
      buckets: BUCKETS,
      labelNames: ['model'],
      registers: [prom],
    }),
    lite: new LiteHistogram({
      name: 'h_seconds',
      help: 'A histogram.',
      buckets: BUCKETS,
      labelNames: ['model'],
      registers: [lite],
    }),
  };
  const bare = {
    prom: new Histogram({ name: 'bare_seconds', help: 'No labels.', buckets: BUCKETS, registers: [prom] }),
    lite: new LiteHistogram({
      name: 'bare_seconds',
      help: 'No labels.',
      buckets: BUCKETS,
      registers: [lite],
    }),
  };
  const counter = {
    prom: new Counter({
      name: 'c_total',
      help: 'A counter.',
      labelNames: ['model', 'reason'],
      registers: [prom],
    }),
    lite: new LiteCounter({
      name: 'c_total',
      help: 'A counter.',
      labelNames: ['model', 'reason'],
      registers: [lite],
    }),
  };
  const plain = {
    prom: new Counter({ name: 'plain_total', help: 'Unlabelled.', registers: [prom] }),
    lite: new LiteCounter({ name: 'plain_total', help: 'Unlabelled.', registers: [lite] }),
  };
  return { prom, lite, labelled, bare, counter, plain };
}

describe('lite metrics print exactly what prom-client prints', () => {
  it('before any observation', async () => {
    const p = pair();
    expect(await p.lite.metrics()).toBe(await p.prom.metrics());
  });

  it('for any sequence of observations, labelled and not, through a registry', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(observation, { maxLength: 60 }), async (obs) => {
        const p = pair();
        for (const o of obs) {
          p.labelled.prom.labels({ model: o.model }).observe(o.value);
          p.labelled.lite.labels({ model: o.model }).observe(o.value);
          p.bare.prom.observe(o.value);
          p.bare.lite.observe(o.value);
          const n = Math.round(Math.abs(o.value));
          p.counter.prom.labels({ model: o.model, reason: o.reason }).inc(n);
          p.counter.lite.labels({ model: o.model, reason: o.reason }).inc(n);
          p.plain.prom.inc();
          p.plain.lite.inc();
        }
        expect(await p.lite.metrics()).toBe(await p.prom.metrics());
        expect(await p.lite.getMetricsAsJSON()).toEqual(await p.prom.getMetricsAsJSON());
      }),
      { numRuns: 200 },
    );
  });

  it('after a reset, like prom-client', async () => {
    const p = pair();
    p.labelled.prom.labels({ model: 'a' }).observe(0.2);
    p.labelled.lite.labels({ model: 'a' }).observe(0.2);
    p.plain.prom.inc(3);
    p.plain.lite.inc(3);
    p.prom.resetMetrics();
    p.lite.resetMetrics();
    expect(await p.lite.metrics()).toBe(await p.prom.metrics());
  });

  it('side by side with prom-client gauges in one registry', async () => {
    const r = new Registry();
    new Gauge({
      name: 'g',
      help: 'A gauge.',
      registers: [r],
      collect() {
        this.set(7);
      },
    });
    new LiteCounter({ name: 'x_total', help: 'X.', registers: [r] }).inc(2);
    expect(await r.metrics()).toBe(
      '# HELP g A gauge.\n# TYPE g gauge\ng 7\n\n# HELP x_total X.\n# TYPE x_total counter\nx_total 2\n',
    );
  });
});

describe('lite metrics: bad input', () => {
  it('rejects a missing label, a negative increment and NaN, naming the problem', () => {
    const c = new LiteCounter({ name: 'c_total', help: 'c', labelNames: ['model'] });
    expect(() => c.labels({} as { model: string })).toThrow('c_total: label "model" is missing');
    expect(() => c.labels({ model: 'a' }).inc(-1)).toThrow('non-negative');
    const h = new LiteHistogram({ name: 'h', help: 'h', buckets: [1] });
    expect(() => h.observe(Number.NaN)).toThrow('NaN');
    expect(() => new LiteHistogram({ name: 'h2', help: 'h', buckets: [1, 1] })).toThrow('distinct');
  });

  it('keeps one child per label set: the same object comes back', () => {
    const h = new LiteHistogram({ name: 'h', help: 'h', buckets: [1], labelNames: ['a', 'b'] });
    expect(h.labels({ a: 'x', b: 'y' })).toBe(h.labels({ b: 'y', a: 'x' }));
    // Label values are joined with a separator that cannot collide: ('x\u0000', '') differs from ('x', '\u0000').
    expect(h.labels({ a: 'xy', b: 'z' })).not.toBe(h.labels({ a: 'x', b: 'yz' }));
  });
});
