import { existsSync } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHART_NAMES } from '../src/report/html/chart-figure.js';
import { writeHtmlReport } from '../src/report/html-report.js';
import { sampleRunResult } from './fixtures/sample-run.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = fileURLToPath(new URL('../test-artifacts/', import.meta.url));
const TITLE = 'Sweep of the sample deployment';
/** Per test and for the setup (launch + load); the whole file takes about 5 s. */
const STEP_TIMEOUT_MS = 20_000;

let browser: Browser | undefined;
let page: Page;
let fileUrl: string;
const requested: string[] = [];
const failed: string[] = [];
const errors: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: run scripts/ensure-debian-packages.sh to install Chromium`);
  const file = await writeHtmlReport(`${ARTIFACTS}html-report.html`, sampleRunResult(), { title: TITLE });
  fileUrl = pathToFileURL(file).href;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  page.on('request', (r) => requested.push(r.url()));
  page.on('requestfailed', (r) => failed.push(`${r.url()}: ${r.failure()?.errorText ?? '?'}`));
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') errors.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  await page.goto(fileUrl, { waitUntil: 'load' });
}, STEP_TIMEOUT_MS);

afterAll(async () => {
  await browser?.close();
});

describe('HTML report in a real browser (headless Chromium)', { timeout: STEP_TIMEOUT_MS }, () => {
  it('loads nothing but the report file itself, and logs no errors', () => {
    expect(requested).toEqual([fileUrl]);
    expect(failed).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('shows the given title as page title and heading', async () => {
    expect(await page.title()).toBe(TITLE);
    expect(await page.locator('h1').textContent()).toBe(TITLE);
  });

  it('draws every chart, visible and with marks in it', async () => {
    for (const name of CHART_NAMES) {
      const svg = page.locator(`figure[data-chart="${name}"] > svg`);
      expect(await svg.count(), name).toBe(1);
      const box = await svg.boundingBox();
      expect(box?.width, name).toBeGreaterThan(400);
      expect(box?.height, name).toBeGreaterThan(100);
      const marks = await svg
        .locator('[data-series] path, [data-series] polyline, [data-series] rect')
        .count();
      expect(marks, name).toBeGreaterThan(0);
      expect(await page.locator(`figure[data-chart="${name}"] figcaption`).textContent(), name).not.toBe('');
    }
  });

  it('hides a series when its legend entry is clicked, and shows it again on a second click', async () => {
    const series = page.locator('figure[data-chart="latency-cdf"] [data-series="e2e"]');
    const entry = page.locator('figure[data-chart="latency-cdf"] [data-toggle="e2e"]');
    await entry.click();
    expect(await series.isVisible()).toBe(false);
    await entry.click();
    expect(await series.isVisible()).toBe(true);
  });

  it('renders to a non-trivial full-page screenshot', async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    const path = `${ARTIFACTS}html-report.png`;
    await page.screenshot({ path, fullPage: true });
    expect((await stat(path)).size).toBeGreaterThan(10_000);
  });
});
