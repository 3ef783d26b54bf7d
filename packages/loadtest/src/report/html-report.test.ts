import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emptyRunResult, sampleRunResult } from '../../test/fixtures/sample-run.js';
import { DISTRIBUTIONS } from '../metrics/run-metrics.js';
import { CHART_NAMES, type ChartName } from './html/chart-figure.js';
import { DISTRIBUTION_LABELS } from './html/report-tables.js';
import { formatInstant } from './html/number-format.js';
import { renderHtmlReport, writeHtmlReport } from './html-report.js';

const sample = sampleRunResult();
const html = renderHtmlReport(sample);

function figure(page: string, name: ChartName): string {
  const start = page.indexOf(`<figure data-chart="${name}"`);
  if (start < 0) throw new Error(`no figure ${name}`);
  return page.slice(start, page.indexOf('</figure>', start) + '</figure>'.length);
}

function table(page: string, name: string): string {
  const start = page.indexOf(`<table data-table="${name}"`);
  if (start < 0) throw new Error(`no table ${name}`);
  return page.slice(start, page.indexOf('</table>', start));
}

const texts = (svg: string, cls: string): string[] =>
  [...svg.matchAll(new RegExp(`<text [^>]*class="${cls}"[^>]*>([^<]*)</text>`, 'g'))].map((m) => m[1] ?? '');

describe('HTML report', () => {
  describe('charts', () => {
    it.each(CHART_NAMES)('draws %s as an svg with marks, a caption and labelled axes', (name) => {
      const f = figure(html, name);
      expect(f).not.toContain('data-empty');
      expect(f).toMatch(/<figcaption><strong>[^<]+<\/strong> [^<]+<\/figcaption>/);
      expect(f.match(/<svg /g)).toHaveLength(1);
      const marks = [...f.matchAll(/<g data-series="[^"]+">(.*?)<\/g>/g)].map((m) => m[1] ?? '');
      expect(marks.some((m) => /<(path|rect|circle) /.test(m))).toBe(true);
      const axisLabels = texts(f, 'axis-label');
      expect(axisLabels.length).toBeGreaterThanOrEqual(2);
      expect(axisLabels.every((l) => l.trim() !== '')).toBe(true);
      const tickLabels = [...f.matchAll(/<text [^>]*text-anchor="(?:middle|end)"[^>]*>([^<]+)<\/text>/g)];
      expect(tickLabels.length).toBeGreaterThan(6);
    });

    it('puts the latency CDF on a log axis in milliseconds and seconds', () => {
      const f = figure(html, 'latency-cdf');
      expect(f).toContain('>10 ms<');
      expect(f).toContain('>1 s<');
      expect(texts(f, 'axis-label')).toEqual(['latency (log scale)', 'requests at or below (%)']);
    });

    it('marks the highest rate meeting the SLO on the sweep curve', () => {
      expect(sample.maxRateMeetingSlo).toBe(16);
      expect(figure(html, 'sweep-curve')).toContain('max rate meeting SLO: 16 req/s');
    });

    it('falls back to E2E where no answer was streamed, and says why TTFT is missing', () => {
      const page = renderHtmlReport(sampleRunResult({ streamed: false, rateScale: 0.25 }));
      expect(figure(page, 'ttft-over-time')).toContain('>no data: no streamed answers, so no TTFT<');
      expect(figure(page, 'latency-cdf')).toContain('data-series="e2e"');
      expect(figure(page, 'latency-cdf')).not.toContain('data-series="ttft"');
      expect(figure(page, 'sweep-curve')).toContain('data-series="e2e-p99"');
      expect(page).not.toMatch(/NaN|Infinity/);
    });

    it('shows prefix-cache hit rates only when the server reported cached tokens', () => {
      expect(renderHtmlReport(sample)).not.toContain('data-figure="prefix-cache"');
      const r = sampleRunResult();
      const cache = { reported: 40, hits: 36, hitRatio: 0.9, tokenHitRatio: 0.65, cachedTokens: 1200 };
      r.report.cache = cache;
      const [firstType] = Object.keys(r.report.byTestType);
      (r.report.byTestType[firstType as string] as { cache: typeof cache | null }).cache = cache;
      const page = renderHtmlReport(r);
      expect(page).toContain('data-figure="prefix-cache"');
      expect(page).toContain(`${firstType as string}: 90.0%`);
    });

    it('leaves the sweep out of a run without one', () => {
      const page = renderHtmlReport(sampleRunResult({ sweep: false, rateScale: 0.25 }));
      expect(page).not.toContain('data-chart="sweep-curve"');
      expect(page).not.toContain('data-table="sweep"');
      for (const name of CHART_NAMES.filter((n) => n !== 'sweep-curve'))
        expect(page).toContain(`data-chart="${name}"`);
    });
  });

  describe('tables', () => {
    it('summarises every distribution with count, mean and every percentile', () => {
      const t = table(html, 'latency');
      for (const head of ['count', 'mean', 'p50', 'p90', 'p95', 'p99', 'p99.9', 'max'])
        expect(t).toContain(`>${head}<`);
      expect(t.match(/<tr>/g)).toHaveLength(DISTRIBUTIONS.length + 1);
      for (const d of DISTRIBUTIONS) expect(t).toContain(`>${DISTRIBUTION_LABELS[d].label} (`);
    });

    it('has a row per model, per test type, per error class and per sweep step', () => {
      expect(table(html, 'by-model')).toContain('>llama-3.1-8b-instruct<');
      expect(table(html, 'by-model')).toContain('>qwen3-32b-reasoning<');
      expect(table(html, 'by-test-type')).toContain('>rag-long<');
      expect(table(html, 'errors')).toContain('>http_5xx<');
      expect(table(html, 'errors')).toContain('>timeout_first_byte<');
      expect(table(html, 'error-messages')).toMatch(
        />http_5xx<\/td><td class="num">503<\/td><td class="num">[\d,]+<\/td><td>the engine is overloaded, retry later</,
      );
      expect(table(html, 'error-messages')).toContain('>no response headers within 4000 ms<');
      expect(table(html, 'sweep').match(/<tr/g)).toHaveLength(1 + 5);
      expect(table(html, 'sweep')).toContain('<tr class="max-rate">');
      expect(table(html, 'workers').match(/<tr/g)).toHaveLength(1 + 2);
    });
  });

  describe('header and key figures', () => {
    it('states what ran, when, against what and how it ended', () => {
      for (const fact of [
        'chat-and-rag-sweep',
        'lt-20250115-120000-sample',
        formatInstant(sample.startedAt),
        formatInstant(sample.endedAt),
        '>completed<',
        '>sweep<',
        '33.6 req/s',
      ])
        expect(html).toContain(fact);
    });

    it('shows the goodput with its SLO thresholds and where token counts came from', () => {
      expect(html).toContain('SLO: TTFT ≤ 1,000 ms · TPOT ≤ 60 ms');
      expect(html).toMatch(/counted from, by request: usage [\d,]+ · chunks [\d,]+ · none [\d,]+/);
      for (const card of [
        'requests',
        'goodput',
        'ttft',
        'tpot',
        'itl',
        'e2e',
        'queue',
        'cost',
        'output-tokens',
      ])
        expect(html).toContain(`data-figure="${card}"`);
    });

    it('uses the given title for the page and its heading', () => {
      const page = renderHtmlReport(sample, { title: 'Nightly <run>' });
      expect(page).toContain('<title>Nightly &lt;run&gt;</title>');
      expect(page).toContain('<h1>Nightly &lt;run&gt;</h1>');
    });
  });

  describe('safety', () => {
    const hostile = renderHtmlReport(
      sampleRunResult({
        rateScale: 0.25,
        scenario: '</title><script>alert("scenario")</script>',
        models: ['<script>alert("model")</script>', 'qwen "quoted" & <b>bold</b>'],
        testTypes: ['chat', '<svg onload=alert(1)>'],
        errorClasses: ['<img src=x onerror=alert(2)>', 'timeout'],
        serverErrorMessage: 'HTTP 503: <iframe src="x"></iframe>',
        target: 'https://alice:s3cret@llm.example.com:8443/v1?q=<x>',
      }),
    );

    it('escapes scenario, model, test-type and error-class names, and error messages', () => {
      expect(hostile.match(/<script/g)).toHaveLength(1);
      expect(hostile).not.toContain('<img');
      expect(hostile).not.toContain('<svg onload');
      expect(hostile).not.toContain('<iframe');
      expect(hostile).toContain('&lt;iframe src=&quot;x&quot;&gt;&lt;/iframe&gt;');
      expect(hostile).not.toContain('<b>bold');
      expect(hostile).toContain('&lt;script&gt;alert(&quot;model&quot;)&lt;/script&gt;');
      expect(hostile).toContain('qwen &quot;quoted&quot; &amp; &lt;b&gt;bold&lt;/b&gt;');
      expect(hostile).toContain('&lt;img src=x onerror=alert(2)&gt;');
      expect(hostile).toContain('&lt;/title&gt;&lt;script&gt;alert(&quot;scenario&quot;)&lt;/script&gt;');
    });

    it('shows the target without its user and password', () => {
      expect(hostile).toContain('https://llm.example.com:8443/v1?q=&lt;x&gt;');
      expect(hostile).not.toContain('alice');
      expect(hostile).not.toContain('s3cret');
    });

    it('references no URL but the target text and the SVG namespace, and loads nothing', () => {
      expect(new Set(html.match(/https?:\/\/[^\s"'<>]*/g))).toEqual(
        new Set(['http://www.w3.org/2000/svg', 'https://llm.example.com/v1']),
      );
      expect(html).not.toMatch(/\s(src|href|srcset|action)=/i);
      expect(html).not.toMatch(/url\(|@import/i);
    });

    it('allows only its own style and script, by hash, in its Content-Security-Policy', () => {
      const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? '';
      const hash = (tag: string): string => {
        const body = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(html)?.[1] ?? '';
        return `'sha256-${createHash('sha256').update(body).digest('base64')}'`;
      };
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain(`style-src ${hash('style')}`);
      expect(csp).toContain(`script-src ${hash('script')}`);
    });
  });

  describe('a run without requests', () => {
    it.each([false, true])('renders "no data" figures and no NaN or Infinity (sweep: %s)', (sweep) => {
      const page = renderHtmlReport(emptyRunResult({ sweep }));
      expect(page).not.toMatch(/NaN|Infinity|undefined/);
      const names = sweep ? CHART_NAMES : CHART_NAMES.filter((n) => n !== 'sweep-curve');
      for (const name of names) {
        const f = figure(page, name);
        expect(f).toContain('data-empty="true"');
        expect(f).toContain('>no data<');
      }
      expect(table(page, 'errors')).toContain('no errors');
    });
  });

  it('is the same, byte for byte, for the same run', () => {
    expect(renderHtmlReport(sampleRunResult())).toBe(html);
  });

  it('stays small: under 500 KB for a few thousand requests', () => {
    expect(Buffer.byteLength(html)).toBeLessThan(500_000);
  });
});

describe('writeHtmlReport', () => {
  it('creates missing folders, writes the report and returns its absolute path', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'html-report-'));
    try {
      const file = await writeHtmlReport(join(dir, 'a', 'b', 'report.html'), sample);
      expect(isAbsolute(file)).toBe(true);
      expect(file).toBe(join(dir, 'a', 'b', 'report.html'));
      expect(await readFile(file, 'utf8')).toBe(html);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
