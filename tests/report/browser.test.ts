// The report page in a real headless Chromium (the Debian package; playwright-core only drives it):
// it renders without errors, loads its frames and video from beside the report, and clicking a
// finding's time moves the transcript and the video there. Screenshots land in the temp folder
// (or DUALREC_SCREENSHOT_DIR) for a person to look at.
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderReportHtml } from '../../src/report/html.js';
import { EVIL, buildHostileReport, buildReportFixture, makeFixtureMedia } from '../fixtures/report-fixture.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

const dir = mkdtempSync(join(tmpdir(), 'dualrec-report-page-'));
const shots = process.env.DUALREC_SCREENSHOT_DIR ?? dir;
let browser: Browser;
let video: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} not found: install the chromium package (scripts/setup.sh test does)`);
  video = makeFixtureMedia(dir);
  writeFileSync(join(dir, 'report.html'), renderReportHtml(buildReportFixture(), { videoHref: video }));
  writeFileSync(join(dir, 'report-en.html'), renderReportHtml(buildReportFixture(), { lang: 'en' }));
  mkdirSync(join(dir, 'hostile'));
  writeFileSync(
    join(dir, 'hostile', 'report.html'),
    renderReportHtml(buildHostileReport(), { videoHref: `../${video}` }),
  );
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
});

afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Problems {
  console: string[];
  page: string[];
  dialogs: string[];
}

async function open(
  file: string,
  viewport = { width: 1440, height: 900 },
): Promise<{ page: Page; problems: Problems }> {
  const page = await browser.newPage({ viewport });
  const problems: Problems = { console: [], page: [], dialogs: [] };
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.console.push(m.text());
  });
  page.on('pageerror', (e) => problems.page.push(e.message));
  page.on('dialog', (d) => {
    problems.dialogs.push(d.message());
    void d.dismiss();
  });
  await page.goto(pathToFileURL(join(dir, file)).href);
  return { page, problems };
}

describe('report.html in Chromium', () => {
  it('renders without console errors and loads its evidence frames and the video beside it', async () => {
    const { page, problems } = await open('report.html');
    await page.waitForFunction(
      () => (document.getElementById('video') as HTMLVideoElement).readyState >= 1,
      undefined,
      { timeout: 15_000 },
    );
    const duration = await page.evaluate(() => (document.getElementById('video') as HTMLVideoElement).duration);
    expect(duration).toBeGreaterThan(117);
    const images = await page.$$eval('.frames img', (imgs) =>
      Promise.all(
        (imgs as HTMLImageElement[]).map(async (img) => {
          img.loading = 'eager';
          await img.decode().catch(() => undefined);
          return img.naturalWidth;
        }),
      ),
    );
    expect(images.length).toBe(3);
    for (const w of images) expect(w).toBe(320);
    expect(problems).toEqual({ console: [], page: [], dialogs: [] });
    await page.close();
  });

  it('clicking a finding time highlights its transcript line in view and seeks the video there', async () => {
    const { page, problems } = await open('report.html');
    await page.waitForFunction(
      () => (document.getElementById('video') as HTMLVideoElement).readyState >= 1,
      undefined,
      { timeout: 15_000 },
    );
    // the guarantee finding's evidence at 00:55 points at segment 11
    await page.locator('#findings button.t', { hasText: '00:55–01:00' }).click();
    const state = await page.evaluate(() => {
      const li = document.getElementById('seg-11')!;
      const box = document.getElementById('tx')!.getBoundingClientRect();
      const r = li.getBoundingClientRect();
      return {
        active: li.classList.contains('active'),
        activeCount: document.querySelectorAll('#tx li.active').length,
        inBox: r.top >= box.top - 1 && r.bottom <= box.bottom + 1,
        inViewport: r.top >= -1 && r.bottom <= window.innerHeight + 1,
        time: (document.getElementById('video') as HTMLVideoElement).currentTime,
      };
    });
    expect(state).toEqual({ active: true, activeCount: 1, inBox: true, inViewport: true, time: 55.5 });
    expect(problems.page).toEqual([]);
    await page.close();
  });

  it('clicking a finding mark on the timeline goes to its line and second; playing moves the playhead', async () => {
    const { page, problems } = await open('report.html');
    await page.waitForFunction(
      () => (document.getElementById('video') as HTMLVideoElement).readyState >= 1,
      undefined,
      { timeout: 15_000 },
    );
    const mark = page.locator('#lane-findings button.fm.s-undetermined').first();
    const [t, seg] = await mark.evaluate((b) => [b.getAttribute('data-t'), b.getAttribute('data-seg')]);
    expect([t, seg]).toEqual(['61.00', '12']);
    await mark.click();
    expect(await page.evaluate(() => (document.getElementById('video') as HTMLVideoElement).currentTime)).toBe(61);
    expect(await page.locator('#seg-12').getAttribute('class')).toContain('active');
    // a seek (as the video's own controls would do) fires timeupdate: the current line and the playhead follow
    await page.evaluate(() => {
      (document.getElementById('video') as HTMLVideoElement).currentTime = 100;
    });
    await page.waitForFunction(() => document.querySelector('#tx li.now')?.id === 'seg-16', undefined, {
      timeout: 10_000,
    });
    const playhead = await page.evaluate(() => {
      const ph = document.getElementById('playhead')!;
      const track = document.querySelector('#lane-findings .track')!.getBoundingClientRect();
      const r = ph.getBoundingClientRect();
      return { hidden: ph.hidden, frac: (r.left + r.width / 2 - track.left) / track.width };
    });
    expect(playhead.hidden).toBe(false);
    expect(playhead.frac).toBeCloseTo(100 / 118.4, 2);
    expect(problems.page).toEqual([]);
    await page.close();
  });

  it('a transcript dot opens and flashes its finding, even in a folded group', async () => {
    const { page } = await open('report.html');
    // fold the groups, then follow the exclusions line's dot back to its finding
    await page.evaluate(() =>
      document.querySelectorAll('details.group').forEach((d) => ((d as HTMLDetailsElement).open = false)),
    );
    const dot = page.locator('#seg-12 a.dot.s-undetermined');
    const href = await dot.getAttribute('href');
    await dot.click();
    const card = page.locator(href!);
    expect(await card.isVisible()).toBe(true);
    expect(await card.getAttribute('class')).toContain('flash');
    expect(await card.locator('h3').textContent()).toBe('提示责任免除条款');
    await page.close();
  });

  it('keeps hostile text as text: nothing runs, the DOM shows the characters', async () => {
    const { page, problems } = await open(join('hostile', 'report.html'));
    await page.waitForTimeout(300);
    expect(problems.dialogs).toEqual([]);
    expect(problems.page).toEqual([]);
    const texts = await page.evaluate(() => ({
      line0: document.querySelector('#seg-0 .text')!.textContent,
      line1: document.querySelector('#seg-1 .text')!.textContent,
      titles: [...document.querySelectorAll('.finding h3')].map((h) => h.textContent),
      error: document.querySelector('#error p')!.textContent,
      scripts: document.scripts.length,
      images: [...document.images].map((i) => i.getAttribute('src')),
    }));
    expect(texts.line0).toBe(`${EVIL.script} ${EVIL.close} ${EVIL.attr} ${EVIL.amp} ${EVIL.img}`);
    expect(texts.line1).toBe(EVIL.close);
    expect(texts.titles).toContain(EVIL.script);
    expect(texts.error).toContain(EVIL.img);
    expect(texts.scripts).toBe(2);
    expect(texts.images.some((s) => s?.startsWith('javascript:') || s === 'x')).toBe(false);
    await page.close();
  });

  it('fits the screen: verdict on top, no sideways scrolling, wide and narrow, Chinese and English', async () => {
    for (const [file, width] of [
      ['report.html', 1440],
      ['report-en.html', 1440],
      ['report.html', 820],
    ] as const) {
      const { page, problems } = await open(file, { width, height: 900 });
      const layout = await page.evaluate(() => ({
        overflow: document.documentElement.scrollWidth - window.innerWidth,
        verdictBottom: document.getElementById('verdict')!.getBoundingClientRect().bottom,
        findingsTop: document.getElementById('findings')!.getBoundingClientRect().top,
      }));
      expect(layout.overflow, `${file} at ${width}px scrolls sideways`).toBeLessThanOrEqual(0);
      expect(layout.verdictBottom).toBeLessThan(220);
      expect(layout.findingsTop).toBeGreaterThan(layout.verdictBottom);
      const png = join(shots, `report-${file.replace('.html', '')}-${width}.png`);
      await page.screenshot({ path: png, fullPage: true });
      expect(statSync(png).size).toBeGreaterThan(20_000);
      expect(problems.console).toEqual([]);
      await page.close();
    }
  });
});
