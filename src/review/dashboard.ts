// The QA manager's dashboard (`/dashboard`): where the problems are (verdicts per day or week, top failing
// rules, FAIL rate per agent / region / channel / product with links into the queue filtered that way,
// time to decision and the open backlog) and which rules to trust (each rule's precision as reviewers'
// decisions imply it, with its count, and rising overturns). Rendered on the server as tables whose cells
// carry the numbers in data-* attributes; the charts are drawn by Chart.js (served from /static/, no CDN)
// from a JSON block, by /static/dashboard.js — no inline script, so the pages' CSP stays as it is.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { html, jsonForScript, type SafeHtml } from '../report/escape.js';
import type { GroupRow, QueueFilter, RuleStats, Stats, StatsFilter } from '../store/index.js';
import { layout, queueFilterQuery } from './pages.js';

export type Period = 'day' | 'week';

let chartJs: string | undefined;
/** Chart.js's UMD build from node_modules (read once). */
export function chartJsSource(): string {
  if (chartJs === undefined) {
    const main = createRequire(import.meta.url).resolve('chart.js'); // …/chart.js/dist/chart.cjs
    chartJs = readFileSync(join(dirname(main), 'chart.umd.min.js'), 'utf8');
  }
  return chartJs;
}

const pct = (x: number | null, digits = 0) => (x === null ? '—' : `${(100 * x).toFixed(digits)}%`);
const num4 = (x: number | null) => (x === null ? '' : String(Math.round(x * 10000) / 10000));

/** Dashboard filter → the queue filter of a drill-down link (plus what the link narrows to). */
function queueHref(f: StatsFilter, extra: QueueFilter): string {
  const q: QueueFilter = {
    agentId: f.agentId,
    region: f.region,
    channel: f.channel,
    productType: f.productType,
    from: f.from,
    to: f.to,
    ...extra,
  };
  const qs = queueFilterQuery(q);
  return `/?show=all${qs ? `&${qs}` : ''}`;
}

export function statsQuery(f: StatsFilter, extra: Record<string, string> = {}): string {
  const q = new URLSearchParams();
  const put = (k: string, v: string | undefined) => v !== undefined && v !== '' && q.set(k, v);
  put('from', f.from);
  put('to', f.to);
  put('agent', f.agentId);
  put('region', f.region);
  put('channel', f.channel);
  put('product', f.productType);
  for (const [k, v] of Object.entries(extra)) put(k, v);
  return q.toString();
}

const GROUPS: {
  table: 'agents' | 'regions' | 'channels' | 'products';
  dim: keyof QueueFilter & keyof StatsFilter;
  title: string;
}[] = [
  { table: 'agents', dim: 'agentId', title: '业务员 Agents' },
  { table: 'regions', dim: 'region', title: '地区 / 分支机构 Regions (branches)' },
  { table: 'channels', dim: 'channel', title: '渠道 Channels' },
  { table: 'products', dim: 'productType', title: '产品类型 Product types' },
];
const MAX_ROWS = 50;

function groupTable(st: Stats, g: (typeof GROUPS)[number]): SafeHtml {
  const rows = st[g.table];
  const shown = rows.slice(0, MAX_ROWS);
  const body = shown.map((r: GroupRow) => {
    // a session without the field cannot be filtered to: no link then
    const key = r.key;
    const link = (label: SafeHtml | string, extra: QueueFilter = {}) =>
      key ? html`<a href="${queueHref(st.filter, { [g.dim]: key, ...extra })}">${label}</a>` : label;
    return html`<tr data-key="${key}" data-sessions="${r.sessions}" data-fail="${r.fail}" data-review="${r.review}" data-pass="${r.pass}" data-fail-rate="${num4(r.failRate)}">
<td>${link(key || '（未填 unknown）')}</td><td>${r.sessions}</td><td class="v-FAIL">${link(String(r.fail), { verdict: 'FAIL' })}</td><td>${link(String(r.review), { verdict: 'REVIEW' })}</td><td>${r.pass}</td>
<td><span class="rate"><span class="rate-bar" data-w="${Math.round(r.failRate * 100)}"></span></span> ${pct(r.failRate, 1)}</td></tr>`;
  });
  return html`<section class="card" id="t-${g.table}"><h2>${g.title} <a class="csv" href="/api/stats.csv?${statsQuery(st.filter, { table: g.table })}">CSV</a></h2>
<table class="stats" data-table="${g.table}"><thead><tr><th>${g.title.split(' ')[0]}</th><th>会话 sessions</th><th>不通过 FAIL</th><th>待定 REVIEW</th><th>通过 PASS</th><th>不通过率 FAIL rate</th></tr></thead>
<tbody>${body}</tbody></table>${rows.length > MAX_ROWS ? html`<p class="muted">前 ${MAX_ROWS} 行（共 ${rows.length}）；全部见 CSV · first ${MAX_ROWS} of ${rows.length}, all in the CSV</p>` : ''}</section>`;
}

function ruleRow(st: Stats, r: RuleStats): SafeHtml {
  const windowText = (w: RuleStats['recent']) => (w.decided ? `${pct(w.overturnRate)} / ${w.decided}` : '—');
  return html`<tr data-rule="${r.ruleId}" data-flagged="${r.flagged}" data-failing-sessions="${r.failingSessions}" data-confirmed="${r.confirmed}" data-overturned="${r.overturned}" data-pending="${r.pending}" data-decided="${r.decided}" data-precision="${num4(r.precision)}" data-drifting="${r.drifting ? 'yes' : 'no'}" class="${r.drifting ? 'drifting' : ''}">
<td><a href="${queueHref(st.filter, { ruleId: r.ruleId })}">${r.ruleId}</a><div class="muted">${r.title} · ${r.severity}</div></td>
<td>${r.failingSessions}</td><td>${r.flagged}</td><td>${r.confirmed}</td><td>${r.overturned}</td><td>${r.pending}</td>
<td><b>${pct(r.precision)}</b> <span class="muted">n=${r.decided}</span></td>
<td class="muted">${r.precisionLow === null ? '—' : `${pct(r.precisionLow)}–${pct(r.precisionHigh)}`}</td>
<td>${windowText(r.recent)}</td><td>${windowText(r.before)}</td>
<td>${r.drift === null ? '—' : `${r.drift >= 0 ? '+' : ''}${(100 * r.drift).toFixed(0)} pt`}${r.drifting ? html` <span class="flag">上升 rising</span>` : ''}</td></tr>`;
}

export interface DashboardView {
  stats: Stats;
  period: Period;
  reviewer: string;
  /** ?asOf as given (kept through the filter form) */
  asOf?: string;
  /** values for the filter's pick lists (all sessions, not only the filtered ones) */
  choices: { agents: string[]; regions: string[]; channels: string[]; products: string[] };
}

export function dashboardPage(v: DashboardView): string {
  const st = v.stats;
  const f = st.filter;
  const periods = v.period === 'week' ? st.weeks : st.days;
  const known = periods.filter((p) => p.key);
  const unknownDay = periods.find((p) => !p.key);
  const topRules = st.rules.filter((r) => r.failingSessions > 0).slice(0, 10);
  const decidedRules = st.rules.filter((r) => r.decided > 0);
  const topAgents = st.agents.slice(0, 15);
  const data = {
    period: v.period,
    verdicts: {
      labels: known.map((p) => p.key),
      fail: known.map((p) => p.fail),
      review: known.map((p) => p.review),
      pass: known.map((p) => p.pass),
    },
    rules: {
      labels: topRules.map((r) => r.ruleId),
      failing: topRules.map((r) => r.failingSessions),
      links: topRules.map((r) => queueHref(f, { ruleId: r.ruleId, verdict: 'FAIL' })),
    },
    agents: {
      labels: topAgents.map((a) => a.key || '?'),
      rate: topAgents.map((a) => Math.round(a.failRate * 1000) / 10),
      links: topAgents.map((a) => (a.key ? queueHref(f, { agentId: a.key, verdict: 'FAIL' }) : '')),
    },
    precision: {
      labels: decidedRules.map((r) => r.ruleId),
      values: decidedRules.map((r) => Math.round((r.precision ?? 0) * 1000) / 10),
      decided: decidedRules.map((r) => r.decided),
      drifting: decidedRules.map((r) => r.drifting),
    },
    latency: {
      labels: st.decisionLatency.buckets.map((b) => b.label),
      decided: st.decisionLatency.buckets.map((b) => b.count),
      open: st.backlog.buckets.map((b) => b.count),
    },
  };
  const opt = (values: string[], current: string | undefined) =>
    html`<option value="">全部 all</option>${values.map((x) => html`<option value="${x}"${x === current ? html` selected` : ''}>${x}</option>`)}`;
  const tile = (name: string, label: string, value: string | number, extra: SafeHtml | string = '') =>
    html`<div class="tile" data-stat="${name}" data-value="${value}"><div class="muted">${label}</div><b>${value}</b>${extra}</div>`;
  const t = st.totals;
  const lat = st.decisionLatency;
  const drifting = st.rules.filter((r) => r.drifting);
  const body = html`<h1>质检看板 QA dashboard</h1>
<form class="filters" method="get" action="/dashboard">
<label>自 from<input type="date" name="from" value="${f.from ?? ''}"></label>
<label>至 to<input type="date" name="to" value="${f.to ?? ''}"></label>
<label>业务员 agent<input name="agent" list="agent-ids" maxlength="100" placeholder="工号 id" value="${f.agentId ?? ''}"><datalist id="agent-ids">${v.choices.agents.map((x) => html`<option value="${x}"></option>`)}</datalist></label>
<label>地区 region<select name="region">${opt(v.choices.regions, f.region)}</select></label>
<label>渠道 channel<select name="channel">${opt(v.choices.channels, f.channel)}</select></label>
<label>产品 product<select name="product">${opt(v.choices.products, f.productType)}</select></label>
<label>按 per<select name="period"><option value="day"${v.period === 'day' ? html` selected` : ''}>日 day</option><option value="week"${v.period === 'week' ? html` selected` : ''}>周 week</option></select></label>
${v.asOf ? html`<input type="hidden" name="asOf" value="${v.asOf}">` : ''}<button type="submit">筛选 apply</button> <a href="/dashboard${v.asOf ? `?asOf=${encodeURIComponent(v.asOf)}` : ''}">清除 clear</a>
<span class="muted export">导出 export: <a href="/api/stats?${statsQuery(f)}">JSON</a></span>
</form>
<div class="tiles">
${tile('sessions', '会话 sessions', t.sessions)}
${tile('fail', '不通过 FAIL', t.fail, html`<a class="drill" href="${queueHref(f, { verdict: 'FAIL' })}">→ 队列 queue</a>`)}
${tile('review', '待定 REVIEW', t.review, html`<a class="drill" href="${queueHref(f, { verdict: 'REVIEW' })}">→ 队列 queue</a>`)}
${tile('pass', '通过 PASS', t.pass)}
${tile('fail-rate', '不通过率 FAIL rate', pct(t.failRate, 1))}
${tile('backlog', '待复核 open backlog', st.backlog.count, st.backlog.maxDays !== null ? html`<div class="muted">最久 oldest ${st.backlog.maxDays} 天 days</div>` : '')}
${tile('median-days', '录制→复核 中位 days to decision (median)', lat.medianDays ?? '—', lat.p90Days !== null ? html`<div class="muted">P90 ${lat.p90Days} · n=${lat.count}</div>` : '')}
</div>
${drifting.length ? html`<p class="warn" id="drift-warning">推翻率上升的规则 rules whose overturn rate is rising (last ${st.driftWeeks} weeks vs before): ${drifting.map((r) => html`<b>${r.ruleId}</b> `)}</p>` : ''}
<div class="charts">
<section class="card chart"><h2>每${v.period === 'week' ? '周' : '日'}会话与结论 Sessions per ${v.period} <a class="csv" href="/api/stats.csv?${statsQuery(f, { table: v.period === 'week' ? 'weeks' : 'days' })}">CSV</a></h2><div class="chart-box"><canvas id="chart-verdicts" role="img" aria-label="sessions per ${v.period} by verdict"></canvas></div>${unknownDay ? html`<p class="muted">无录制日期 without a recording day: ${unknownDay.sessions}</p>` : ''}</section>
<section class="card chart"><h2>不通过最多的规则 Top failing rules</h2><div class="chart-box"><canvas id="chart-rules" role="img" aria-label="failing sessions per rule"></canvas></div></section>
<section class="card chart"><h2>业务员不通过率 FAIL rate per agent (%)</h2><div class="chart-box"><canvas id="chart-agents" role="img" aria-label="FAIL rate per agent"></canvas></div></section>
<section class="card chart"><h2>规则隐含准确率 Rule precision from decisions (%)</h2><div class="chart-box"><canvas id="chart-precision" role="img" aria-label="implied precision per rule"></canvas></div></section>
<section class="card chart"><h2>录制到复核 Days to decision / open backlog age <a class="csv" href="/api/stats.csv?${statsQuery(f, { table: 'latency' })}">CSV decided</a> <a class="csv" href="/api/stats.csv?${statsQuery(f, { table: 'backlog' })}">CSV open</a></h2><div class="chart-box"><canvas id="chart-latency" role="img" aria-label="days from recording to decision, and age of open sessions"></canvas></div></section>
</div>
<section class="card" id="t-rules"><h2>规则质量 Rule quality from reviewers' decisions <a class="csv" href="/api/stats.csv?${statsQuery(f, { table: 'rules' })}">CSV</a></h2>
<p class="muted">准确率 precision = 确认 confirmed (incl. needs re-recording) ÷ 已复核 decided, over flagged findings (fail / undetermined) of current runs; 95% Wilson interval; 推翻率 overturn rate of the last ${st.driftWeeks} weeks vs before.</p>
<table class="stats" data-table="rules"><thead><tr><th>规则 rule</th><th>不通过会话 failing sessions</th><th>标记 flagged</th><th>确认 confirmed</th><th>推翻 overturned</th><th>待复核 pending</th><th>准确率 precision</th><th>95% CI</th><th>近${st.driftWeeks}周推翻 overturned recently</th><th>之前 before</th><th>变化 drift</th></tr></thead>
<tbody>${st.rules.map((r) => ruleRow(st, r))}</tbody></table>${st.rules.length ? '' : html`<p class="muted">暂无标记的检查项 no flagged findings yet</p>`}</section>
<div class="cols2">${GROUPS.map((g) => groupTable(st, g))}</div>
<details class="card"><summary>每${v.period === 'week' ? '周' : '日'}明细 per ${v.period}</summary>
<table class="stats" data-table="${v.period === 'week' ? 'weeks' : 'days'}"><thead><tr><th>${v.period === 'week' ? '周一 week of' : '日期 day'}</th><th>会话</th><th>FAIL</th><th>REVIEW</th><th>PASS</th><th>FAIL rate</th></tr></thead>
<tbody>${periods.map(
    (p) =>
      html`<tr data-key="${p.key}" data-sessions="${p.sessions}" data-fail="${p.fail}" data-review="${p.review}" data-pass="${p.pass}"><td>${p.key ? html`<a href="${queueHref(f, v.period === 'day' ? { from: p.key, to: p.key } : { from: p.key, to: addDays(p.key, 6) })}">${p.key}</a>` : '（未知 unknown）'}</td><td>${p.sessions}</td><td>${p.fail}</td><td>${p.review}</td><td>${p.pass}</td><td>${pct(p.failRate, 1)}</td></tr>`,
  )}</tbody></table></details>
<p class="muted">截至 as of ${st.asOf.slice(0, 16).replace('T', ' ')}Z · 生成 generated ${st.generatedAt.slice(0, 19).replace('T', ' ')}Z</p>
<script type="application/json" id="dashboard-data">${jsonForScript(data)}</script>`;
  return layout('QA dashboard', v.reviewer, body, ['/static/chart.umd.min.js', '/static/dashboard.js']);
}

function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

export const DASHBOARD_CSS = `
.filters{display:flex;flex-wrap:wrap;gap:.6rem;align-items:flex-end;background:#fff;border:1px solid #e3e6ec;border-radius:6px;padding:.6rem;margin-bottom:.8rem}
.filters label{display:flex;flex-direction:column;font-size:.8rem;gap:.15rem}
.filters .export{margin-left:auto}
.tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:.6rem;margin-bottom:.8rem}
.tile{background:#fff;border:1px solid #e3e6ec;border-radius:6px;padding:.6rem}
.tile b{font-size:1.5rem;display:block}
.tile .drill{font-size:.8rem}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(420px,1fr));gap:.8rem}
.chart-box{position:relative;height:280px;width:100%}
.cols2{display:grid;grid-template-columns:repeat(auto-fit,minmax(420px,1fr));gap:.8rem}
#t-rules,.cols2 .card{overflow-x:auto}
table.stats th{white-space:normal;font-size:.8rem}
table.stats td{white-space:nowrap}
tr.drifting{background:#fff6e0}
.flag{background:#b3261e;color:#fff;border-radius:3px;padding:0 .3rem;font-size:.75rem}
.rate{display:inline-block;width:60px;height:.6rem;background:#eef1f6;border-radius:2px;vertical-align:middle;overflow:hidden}
.rate-bar{display:block;height:100%;background:#b3261e;width:0}
a.csv{font-size:.75rem;font-weight:400;margin-left:.4rem}
.chip{background:#eef3ff;border:1px solid #c9d6f5;border-radius:3px;padding:0 .3rem;margin-right:.3rem}
`;

export const DASHBOARD_JS = `
(function () {
  'use strict';
  // FAIL-rate bars in the tables: widths from data-w (no inline style attributes under the CSP)
  Array.prototype.forEach.call(document.querySelectorAll('.rate-bar[data-w]'), function (el) {
    el.style.width = Math.max(0, Math.min(100, Number(el.getAttribute('data-w')))) + '%';
  });
  var el = document.getElementById('dashboard-data');
  if (!el || typeof Chart === 'undefined') return;
  var d = JSON.parse(el.textContent || '{}');
  var RED = '#b3261e', AMBER = '#e0a030', GREEN = '#3c9a52', BLUE = '#3a6ee8', GREY = '#9aa3b5';
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.font.family = '"WenQuanYi Micro Hei","Noto Sans CJK SC",sans-serif';
  var charts = window.__dashboardCharts = {};

  function make(id, config, links) {
    var canvas = document.getElementById(id);
    if (!canvas) return;
    if (links) {
      config.options = config.options || {};
      config.options.onClick = function (evt, elements) {
        if (!elements.length) return;
        var href = links[elements[0].index];
        if (href) location.href = href;
      };
      config.options.onHover = function (evt, elements) {
        evt.native.target.style.cursor = elements.length && links[elements[0].index] ? 'pointer' : 'default';
      };
    }
    charts[id] = new Chart(canvas, config);
    canvas.setAttribute('data-rendered', '1');
  }

  make('chart-verdicts', {
    type: 'bar',
    data: { labels: d.verdicts.labels, datasets: [
      { label: 'FAIL', data: d.verdicts.fail, backgroundColor: RED },
      { label: 'REVIEW', data: d.verdicts.review, backgroundColor: AMBER },
      { label: 'PASS', data: d.verdicts.pass, backgroundColor: GREEN }
    ] },
    options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } }
  });
  make('chart-rules', {
    type: 'bar',
    data: { labels: d.rules.labels, datasets: [{ label: 'failing sessions', data: d.rules.failing, backgroundColor: RED }] },
    options: { indexAxis: 'y', plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } }
  }, d.rules.links);
  make('chart-agents', {
    type: 'bar',
    data: { labels: d.agents.labels, datasets: [{ label: 'FAIL %', data: d.agents.rate, backgroundColor: RED }] },
    options: { plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, max: 100 } } }
  }, d.agents.links);
  make('chart-precision', {
    type: 'bar',
    data: { labels: d.precision.labels.map(function (l, i) { return l + ' (n=' + d.precision.decided[i] + ')'; }),
      datasets: [{ label: 'precision %', data: d.precision.values,
        backgroundColor: d.precision.drifting.map(function (x) { return x ? AMBER : BLUE; }) }] },
    options: { indexAxis: 'y', plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true, max: 100 } } }
  });
  make('chart-latency', {
    type: 'bar',
    data: { labels: d.latency.labels, datasets: [
      { label: 'decided (days recording → decision)', data: d.latency.decided, backgroundColor: BLUE },
      { label: 'open (age in days)', data: d.latency.open, backgroundColor: GREY }
    ] },
    options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }
  });
  document.documentElement.setAttribute('data-charts', Object.keys(charts).length);
})();
`;
