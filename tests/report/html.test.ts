import { describe, expect, it } from 'vitest';
import { esc, html, jsonForScript, safeUrl } from '../../src/report/escape.js';
import { fmtRange, fmtTime } from '../../src/report/format.js';
import { renderReportHtml } from '../../src/report/html.js';
import { EVIL, buildErrorReport, buildHostileReport, buildReportFixture } from '../fixtures/report-fixture.js';

/** Every `<tag` in a page, by name, so tests can count elements without a DOM. */
function tags(page: string, name: string): number {
  return page.match(new RegExp(`<${name}[\\s>]`, 'gi'))?.length ?? 0;
}

describe('escaping helpers', () => {
  it('escapes markup, quotes and ampersands, and leaves other text alone', () => {
    expect(esc(`<a href="x" title='y'>&amp;</a> 中文`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt; 中文',
    );
  });

  it('html`` escapes every interpolation, including arrays, but not nested html``', () => {
    const inner = html`<b>${'<i>'}</b>`;
    expect(html`<p>${'<script>'}${[inner, '&']}${undefined}${0}</p>`.value).toBe(
      '<p>&lt;script&gt;<b>&lt;i&gt;</b>&amp;0</p>',
    );
  });

  it('jsonForScript cannot close a script element or open a comment', () => {
    const out = jsonForScript({ t: '</script><!-- & \u2028' }).value;
    expect(out).not.toMatch(/[<>&\u2028]/);
    expect(JSON.parse(out)).toEqual({ t: '</script><!-- & \u2028' });
  });

  it('safeUrl encodes file names and refuses script and data schemes', () => {
    expect(safeUrl('frames/客户 签字#1.jpg')).toBe('frames/%E5%AE%A2%E6%88%B7%20%E7%AD%BE%E5%AD%97%231.jpg');
    expect(safeUrl('../../samples/a b.mp4')).toBe('../../samples/a%20b.mp4');
    expect(safeUrl('https://files.example/rec.mp4')).toBe('https://files.example/rec.mp4');
    for (const bad of ['javascript:alert(1)', 'JAVASCRIPT:alert(1)', 'data:text/html,<script>', 'vbscript:x']) {
      expect(safeUrl(bad)).toBeUndefined();
    }
  });

  it('formats times as mm:ss and h:mm:ss', () => {
    expect(fmtTime(0)).toBe('00:00');
    expect(fmtTime(59.99)).toBe('00:59');
    expect(fmtTime(61.2)).toBe('01:01');
    expect(fmtTime(3725)).toBe('1:02:05');
    expect(fmtRange(44, 52.8)).toBe('00:44–00:52');
    expect(fmtRange(15.3, 15.9)).toBe('00:15');
  });
});

describe('renderReportHtml', () => {
  const page = renderReportHtml(buildReportFixture(), { videoHref: 'S20240518-0012.mp4' });

  it('is one self-contained page: no external scripts, styles or fetches, and a CSP that forbids them', () => {
    expect(page.startsWith('<!doctype html>')).toBe(true);
    expect(page).not.toMatch(/<script[^>]+src=/i);
    expect(page).not.toMatch(/<link[^>]+stylesheet/i);
    expect(page).not.toMatch(/\b(src|href)="(https?:)?\/\//i);
    expect(page).toMatch(
      /http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;;[^"]*script-src &#39;sha256-/,
    );
    expect(tags(page, 'script')).toBe(2); // the JSON data block and the page script
  });

  it('shows the verdict with its reasons first, then facts, and groups findings fail → undetermined → pass → n/a', () => {
    const r = buildReportFixture();
    expect(page).toContain('data-verdict="FAIL"');
    expect(page.indexOf('不通过')).toBeLessThan(page.indexOf('id="session"'));
    for (const reason of r.verdictReasons) expect(page).toContain(esc(reason));
    const order = ['g-fail', 'g-undetermined', 'g-pass', 'g-not_applicable'].map((id) => page.indexOf(`id="${id}"`));
    expect(order.every((p) => p > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    // every finding is on the page exactly once, inside its status group
    expect(page.match(/<article class="finding/g)).toHaveLength(r.findings.length);
    const failGroup = page.slice(order[0], order[1]);
    expect(failGroup.match(/<article/g)).toHaveLength(r.findings.filter((f) => f.status === 'fail').length);
    expect(failGroup).toContain('禁止承诺保证收益');
    // problems open; passes fold away while there are problems; not-applicable always folded
    expect(page).toContain('<details class="group" id="g-fail" open>');
    expect(page).toContain('<details class="group" id="g-undetermined" open>');
    expect(page).toContain('<details class="group" id="g-pass">');
    expect(page).toContain('<details class="group" id="g-not_applicable">');
    const clean = buildReportFixture();
    clean.findings = clean.findings.filter((f) => f.status === 'pass' || f.status === 'not_applicable');
    clean.verdict = 'PASS';
    expect(renderReportHtml(clean)).toContain('<details class="group" id="g-pass" open>');
  });

  it('highlights the matched span inside the excerpt and links evidence to its transcript line', () => {
    expect(page).toContain('年化<mark>保证有百分之五的收益</mark>，比存银行划算');
    expect(page).toMatch(/<button type="button" class="t" data-t="44.00" data-seg="9"[^>]*>00:44–00:52<\/button>/);
    expect(page).toContain('id="seg-9"');
    expect(page).toContain('相似度 41%');
    expect(page).toContain('缺少：犹豫期为 15 天');
    expect(page).toContain('<img src="frames/sign-0098.jpg"');
  });

  it('shows roles and marks low-confidence lines in the transcript', () => {
    expect(page).toMatch(/<li id="seg-12" class="r-agent low">/);
    expect(page).toMatch(/<li id="seg-3" class="r-customer">/);
    expect(page).toMatch(/<li id="seg-18" class="r-unknown">/);
    expect(page).toContain('低置信 41%');
  });

  it('draws the timeline lanes, with one mark per timed finding evidence', () => {
    for (const id of ['lane-speech', 'lane-faces', 'lane-findings']) expect(page).toContain(`id="${id}"`);
    const timed = buildReportFixture().findings.flatMap((f) => f.evidence.filter((e) => e.start !== undefined));
    expect(page.match(/<button type="button" class="fm /g)).toHaveLength(timed.length);
    expect(page).toContain('class="blk"');
    expect(page).toContain('class="frz"');
    expect(page.match(/class="cut"/g)).toHaveLength(2);
    expect(page).toContain('<video id="video" controls preload="metadata" src="S20240518-0012.mp4">');
  });

  it('never shows the customer or agent name, but shows the agent id and age', () => {
    expect(page).not.toContain('王秀兰');
    expect(page).not.toContain('李志强');
    expect(page).toContain('A10293');
    expect(page).toContain('62 岁');
  });

  it('is Chinese by default and English with lang: en (rule messages stay as written)', () => {
    expect(page).toContain('<html lang="zh-CN">');
    const en = renderReportHtml(buildReportFixture(), { lang: 'en' });
    expect(en).toContain('<html lang="en">');
    expect(en).toContain('Undetermined');
    expect(en).toContain('Policyholder age');
    expect(en).not.toContain('投保人即被保险人');
    expect(en).not.toContain('无法判定');
    expect(en).toContain('销售人员承诺保证收益');
    expect(tags(en, 'video')).toBe(0);
  });

  it('escapes every text: transcript, findings, metadata, file names and reasons', () => {
    const bad = renderReportHtml(buildHostileReport(), { videoHref: 'javascript:alert(9)' });
    expect(bad).not.toMatch(/<script>alert/i);
    expect(bad).not.toMatch(/<img src=x/i);
    expect(bad).not.toMatch(/<\/script><script>/i);
    expect(bad).not.toMatch(/ onmouseover="/i);
    expect(bad).not.toMatch(/onerror=alert\(3\)>/);
    expect(bad).not.toContain('javascript:');
    expect(tags(bad, 'script')).toBe(2);
    expect(tags(bad, 'video')).toBe(0);
    // the texts are shown, escaped, where they belong
    expect(bad).toContain(esc(EVIL.script));
    expect(bad).toContain('A&amp;B &amp;amp; &amp;lt;b&amp;gt;');
    expect(bad).toContain(`前文<mark>${esc(EVIL.script)}</mark>后文`);
    expect(bad).toContain(`<img src="frames/%22%20onmouseover%3D%22alert(2)%22%20x%3D%22.jpg"`);
  });

  it('shows an unanalyzable session prominently as REVIEW, and why there is no transcript', () => {
    const r = buildErrorReport();
    const out = renderReportHtml(r);
    expect(out).toContain('data-verdict="REVIEW"');
    expect(out).toContain('id="error"');
    expect(out.indexOf('id="error"')).toBeLessThan(out.indexOf('id="session"'));
    expect(out).toContain(esc(r.error!));
    expect(out).toContain('id="transcript-missing"');
    expect(out).toContain(esc(r.transcriptMissingReason!));
    expect(out).toContain('id="meta-missing"');
    // even a report that claims PASS is shown as REVIEW when it has an error
    expect(renderReportHtml({ ...r, verdict: 'PASS' })).toContain('data-verdict="REVIEW"');
  });

  it('is deterministic', () => {
    expect(renderReportHtml(buildReportFixture(), { videoHref: 'S20240518-0012.mp4' })).toBe(page);
  });
});
