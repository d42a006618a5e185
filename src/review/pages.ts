// HTML of the review server: login, queue, one session. Every value goes through `html` (escaped);
// the only script is /static/review.js; per-page data sits in a JSON block (jsonForScript).
import type { Segment } from '../model/index.js';
import { html, jsonForScript, type SafeHtml } from '../report/escape.js';
import type { CurrentSession, DecisionRecord, QueueFilter, QueueItem, StoredFinding } from '../store/index.js';

const DECISION_LABEL: Record<DecisionRecord['decision'], string> = {
  confirm: '确认违规 confirm violation',
  overturn: '推翻 overturn',
  rerecord: '需重新双录 needs re-recording',
};
const STATUS_LABEL: Record<string, string> = {
  fail: '不通过 fail',
  undetermined: '无法判定 undetermined',
  pass: '通过 pass',
  not_applicable: '不适用 n/a',
};

export function fmtTime(s: number): string {
  const t = Math.max(0, Math.floor(s));
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const sec = String(t % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

export function layout(
  title: string,
  reviewer: string | undefined,
  body: SafeHtml,
  scripts: readonly string[] = ['/static/review.js'],
): string {
  return html`<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title} · dualrec review</title><link rel="stylesheet" href="/static/review.css">${scripts.includes('/static/dashboard.js') ? html`<link rel="stylesheet" href="/static/dashboard.css">` : ''}</head>
<body>
<header class="bar"><a href="/">双录人工复核 Review queue</a>${reviewer ? html`<a href="/dashboard">质检看板 Dashboard</a>` : ''}${
    reviewer
      ? html`<span class="who">复核人 reviewer: <b>${reviewer}</b> · <a href="/api/decisions.csv">导出 CSV</a> · <a href="/api/decisions.json">JSON</a>
<form method="post" action="/logout"><button type="submit">退出 log out</button></form></span>`
      : ''
  }</header>
<main>${body}</main>
${scripts.map(
  (src) => html`<script src="${src}"></script>
`,
)}</body></html>
`.value;
}

export function loginPage(opts: { error?: string; next?: string } = {}): string {
  return layout(
    '登录 Log in',
    undefined,
    html`<form class="login" method="post" action="/login">
<h1>登录 Log in</h1>
<p class="muted">输入启动复核服务时给出的令牌 Enter the token the review server was started with.</p>
${opts.error ? html`<p class="err" role="alert">${opts.error}</p>` : ''}
<label>令牌 Token<input name="token" type="password" autocomplete="current-password" required></label>
<label>复核人 Reviewer name<input name="reviewer" autocomplete="username" maxlength="80" required></label>
<input type="hidden" name="next" value="${opts.next ?? '/'}">
<button type="submit">登录 Log in</button>
</form>`,
  );
}

export type QueueView = 'open' | 'decided' | 'all';

/** URL query names of the queue filter (the dashboard's drill-down links use the same). */
export const QUEUE_FILTER_PARAMS: [keyof QueueFilter, string, string][] = [
  ['agentId', 'agent', '业务员 agent'],
  ['region', 'region', '地区 region'],
  ['channel', 'channel', '渠道 channel'],
  ['productType', 'product', '产品 product'],
  ['verdict', 'verdict', '结论 verdict'],
  ['from', 'from', '自 from'],
  ['to', 'to', '至 to'],
  ['ruleId', 'rule', '规则 rule'],
];

export function queueFilterQuery(f: QueueFilter): string {
  const q = new URLSearchParams();
  for (const [k, name] of QUEUE_FILTER_PARAMS) if (f[k] !== undefined) q.set(name, String(f[k]));
  return q.toString();
}

export function queuePage(items: QueueItem[], reviewer: string, view: QueueView, filter: QueueFilter = {}): string {
  const fq = queueFilterQuery(filter);
  const tab = (v: QueueView, label: string) =>
    html`<a href="/?show=${v}${fq ? `&${fq}` : ''}"${v === view ? html` aria-current="page"` : ''}>${label}</a>`;
  const chips = QUEUE_FILTER_PARAMS.filter(([k]) => filter[k] !== undefined).map(
    ([k, name, label]) => html`<span class="chip" data-filter="${name}">${label}: <b>${String(filter[k])}</b></span> `,
  );
  const rows = items.map(
    ({ session: s, enteredAt, decision }) => html`<tr data-key="${s.key}">
<td class="v v-${s.run.verdict ?? 'REVIEW'}">${s.run.verdict ?? ''}</td>
<td>${(s.run.risk ?? 0).toFixed(1)}</td>
<td><a class="open" href="/session/${s.key}">${s.sessionId}</a><div class="muted">${s.relDir ? `${s.relDir}/` : ''}${s.name}</div></td>
<td>${s.productType ?? ''}</td><td>${s.channel ?? ''}</td><td>${s.agentId ?? ''}${s.region ? html`<div class="muted">${s.region}</div>` : ''}</td><td>${s.recordedOn ?? ''}</td>
<td>${s.run.failCount ?? 0} / ${s.run.undeterminedCount ?? 0}</td>
<td class="muted">${enteredAt.slice(0, 16).replace('T', ' ')}</td>
<td>${decision ? html`<span class="decision">${DECISION_LABEL[decision.decision]}</span><div class="muted">${decision.reviewer}</div>` : html`<span class="muted">待复核 open</span>`}</td>
</tr>`,
  );
  return layout(
    'Review queue',
    reviewer,
    html`<h1>复核队列 Review queue <span class="muted">(${items.length})</span></h1>
<nav class="tabs">${tab('open', '待复核 open')}${tab('decided', '已复核 decided')}${tab('all', '全部 all')}</nav>
${chips.length ? html`<p id="queue-filter">筛选 filtered by ${chips}<a href="/?show=${view}">清除 clear</a></p>` : ''}
<table id="queue"><thead><tr><th>结论</th><th>风险 risk</th><th>会话 session</th><th>产品</th><th>渠道</th><th>业务员</th><th>日期</th><th>不通过/待定</th><th>入队 entered</th><th>复核 decision</th></tr></thead>
<tbody>${rows}</tbody></table>
${items.length ? '' : html`<p class="muted">队列为空 Nothing to review.</p>`}`,
  );
}

function decisionForm(findingIdx: number | undefined): SafeHtml {
  return html`<form class="decide" data-finding="${findingIdx ?? ''}">
<select name="decision" aria-label="decision">
<option value="confirm">${DECISION_LABEL.confirm}</option>
<option value="overturn">${DECISION_LABEL.overturn}</option>
<option value="rerecord">${DECISION_LABEL.rerecord}</option>
</select>
<textarea name="comment" maxlength="2000" placeholder="说明 comment (推翻时必填 required to overturn)" aria-label="comment"></textarea>
<button type="submit">记录 record</button><span class="status muted" role="status"></span>
</form>`;
}

function history(ds: DecisionRecord[]): SafeHtml | string {
  if (!ds.length) return '';
  return html`<ol class="history">${[...ds]
    .reverse()
    .map(
      (d) =>
        html`<li class="${d.supersededBy ? 'old' : 'now'}"><span class="decision">${DECISION_LABEL[d.decision]}</span> · ${d.reviewer} · ${d.decidedAt.slice(0, 19).replace('T', ' ')}Z${
          d.comment ? html` — ${d.comment}` : ''
        }</li>`,
    )}</ol>`;
}

function findingCard(f: StoredFinding, ds: DecisionRecord[], hasMedia: boolean): SafeHtml {
  const evidence = f.evidence.map((e) => {
    const t = e.start;
    return html`<div class="ev">${
      t !== undefined && hasMedia
        ? html`<button type="button" class="seek" data-t="${t}">▶ ${fmtTime(t)}${e.end !== undefined ? `–${fmtTime(e.end)}` : ''}</button> `
        : t !== undefined
          ? html`<span class="muted">${fmtTime(t)}</span> `
          : ''
    }${e.excerpt ?? ''}${e.missing ? html`<div class="muted">缺少 missing: ${e.missing}</div>` : ''}${e.note ? html`<div class="muted">${e.note}</div>` : ''}</div>`;
  });
  return html`<section class="card finding" id="f-${f.idx}" data-rule="${f.ruleId}">
<div class="head"><span class="st st-${f.status}">${STATUS_LABEL[f.status] ?? f.status}</span><b>${f.title}</b><span class="muted">${f.ruleId} · ${f.severity} · ${Math.round(f.confidence * 100)}%</span></div>
<p>${f.message}</p>${f.source ? html`<p class="muted">依据 ${f.source}</p>` : ''}
${evidence}
${history(ds)}
${decisionForm(f.idx)}
</section>`;
}

export interface SessionView {
  session: CurrentSession;
  findings: StoredFinding[];
  decisions: DecisionRecord[];
  segments: Segment[];
  hasMedia: boolean;
  reportOk: boolean;
  /** report.json is on disk and readable (shown under a banner when not reportOk) */
  reportShown?: boolean;
  /** its signature check (src/integrity/report-status.ts) */
  integrity?: { ok: boolean; title?: string; message: string };
  reviewer: string;
}

export function sessionPage(v: SessionView): string {
  const { session: s, findings } = v;
  const forFinding = (i: number | undefined) => v.decisions.filter((d) => d.runId === s.run.id && d.findingIdx === i);
  const flagged = findings.filter((f) => f.status === 'fail' || f.status === 'undetermined');
  const rest = findings.filter((f) => f.status !== 'fail' && f.status !== 'undetermined');
  const older = v.decisions.filter((d) => d.runId !== s.run.id);
  return layout(
    s.sessionId,
    v.reviewer,
    html`<h1><span class="v v-${s.run.verdict ?? 'REVIEW'}">${s.run.verdict ?? ''}</span> ${s.sessionId}</h1>
<p class="muted">${s.relDir ? `${s.relDir}/` : ''}${s.name} · 产品 ${s.productType ?? '—'} · 渠道 ${s.channel ?? '—'} · 业务员 ${s.agentId ?? '—'} · ${s.recordedOn ?? ''} · 风险 risk ${(s.run.risk ?? 0).toFixed(1)} · 规则 ${s.run.rulesVersion}</p>
${v.integrity && !v.integrity.ok ? html`<div class="warn tampered" id="integrity-warning" role="alert"><b>${v.integrity.title ?? ''}</b><br>${v.integrity.message}</div>` : ''}
${v.reportOk ? html`<p><a href="/session/${s.key}/report" target="_blank" rel="noopener">完整报告 full report</a></p>` : html`<p class="warn">report.json 已在磁盘上被修改或缺失 — the report on disk is missing or differs from the one the batch wrote; the findings below come from the store.${v.reportShown ? html` <a href="/session/${s.key}/report" target="_blank" rel="noopener">查看被修改的报告 see the changed report</a>` : ''}</p>`}
${s.run.error ? html`<p class="warn">无法分析 could not be analyzed: ${s.run.error}</p>` : ''}
<ul>${(s.run.verdictReasons ?? []).map((r) => html`<li>${r}</li>`)}</ul>
<div class="cols">
<div>
<h2>需复核的检查项 Flagged findings (${flagged.length})</h2>
${flagged.map((f) => findingCard(f, forFinding(f.idx), v.hasMedia))}
${rest.length ? html`<details><summary>其他检查项 other findings (${rest.length})</summary>${rest.map((f) => findingCard(f, forFinding(f.idx), v.hasMedia))}</details>` : ''}
<section class="card" id="session-decision"><h2>会话结论 Session decision</h2>${history(forFinding(undefined))}${decisionForm(undefined)}</section>
${older.length ? html`<details><summary>以前版本的复核 decisions on earlier runs (${older.length})</summary>${history(older)}</details>` : ''}
</div>
<aside class="sticky">
${v.hasMedia ? html`<video id="video" controls preload="metadata" src="/media/${s.key}"></video>` : html`<p class="muted">没有可播放的录像 no recording to play</p>`}
<section class="card tx"><h2>转写 Transcript (${v.segments.length})</h2>${v.segments.map(
      (seg) =>
        html`<p>${v.hasMedia ? html`<button type="button" class="seek" data-t="${seg.start}">${fmtTime(seg.start)}</button>` : fmtTime(seg.start)} <span class="muted">${seg.role ?? ''}</span> ${seg.text}</p>`,
    )}</section>
</aside>
</div>
<script type="application/json" id="review-data">${jsonForScript({ key: s.key, runId: s.run.id })}</script>`,
  );
}

export function messagePage(title: string, message: string, reviewer?: string): string {
  return layout(
    title,
    reviewer,
    html`<h1>${title}</h1><p>${message}</p><p><a href="/">返回队列 back to the queue</a></p>`,
  );
}
