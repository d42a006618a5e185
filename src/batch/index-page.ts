// index.html across the sessions of an output folder: riskiest first, filters by verdict, product,
// channel, agent and date, a link to each report. Rows are rendered here (readable without script);
// the small constant script only hides rows. Every value from a report goes through `html` (escaped).
import { join, relative, sep } from 'node:path';
import type { CurrentSession } from '../store/index.js';
import { html, safeUrl, trusted, type SafeHtml } from '../report/escape.js';
import { writeFileAtomic } from '../util/atomic.js';
import { TOOL_VERSION } from '../util/version.js';

const VERDICT_LABEL: Record<string, string> = { FAIL: '不通过 FAIL', REVIEW: '待复核 REVIEW', PASS: '通过 PASS' };

const CSS = `
body{font-family:"WenQuanYi Micro Hei","Noto Sans CJK SC","PingFang SC",sans-serif;margin:1.5rem;color:#1d2433}
h1{font-size:1.4rem;margin:0 0 .3rem}
.meta{color:#5b6475;font-size:.85rem;margin-bottom:1rem}
.counts span{display:inline-block;margin-right:1rem;font-weight:600}
form.filters{display:flex;flex-wrap:wrap;gap:.6rem 1rem;align-items:end;margin:1rem 0;padding:.7rem;background:#f3f5f9;border-radius:6px}
form.filters label{display:flex;flex-direction:column;font-size:.8rem;color:#444}
table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #e3e6ec;vertical-align:top}
th{background:#eef1f6;position:sticky;top:0}
.v{font-weight:700;white-space:nowrap}
.v-FAIL{color:#b3261e}.v-REVIEW{color:#a15c00}.v-PASS{color:#1e7b34}
.why{color:#5b6475;font-size:.8rem;max-width:32rem}
.num{text-align:right;font-variant-numeric:tabular-nums}
tr[hidden]{display:none}
`;

// Constant: reads the filter controls and the rows' data-* attributes, never report text as markup.
const SCRIPT = `
(function(){
  var form=document.getElementById('filters');
  var rows=[].slice.call(document.querySelectorAll('tbody tr'));
  var shown=document.getElementById('shown');
  function val(n){var e=form.elements.namedItem(n);return e?e.value:'';}
  function apply(){
    var v=val('verdict'),p=val('product'),c=val('channel'),a=val('agent').trim().toLowerCase(),f=val('from'),t=val('to'),n=0;
    rows.forEach(function(r){
      var d=r.dataset,ok=(!v||d.verdict===v)&&(!p||d.product===p)&&(!c||d.channel===c)
        &&(!a||(d.agent||'').toLowerCase().indexOf(a)>=0)&&(!f||(d.date&&d.date>=f))&&(!t||(d.date&&d.date<=t));
      r.hidden=!ok; if(ok)n++;
    });
    shown.textContent=String(n);
  }
  form.addEventListener('input',apply);form.addEventListener('change',apply);
  form.addEventListener('reset',function(){setTimeout(apply,0);});
  apply();
})();
`;

function options(values: (string | undefined)[]): SafeHtml[] {
  return [...new Set(values.filter((v): v is string => !!v))]
    .sort()
    .map((v) => html`<option value="${v}">${v}</option>`);
}

export function renderIndexHtml(sessions: CurrentSession[], outDir: string, generatedAt = new Date()): string {
  const counts = { FAIL: 0, REVIEW: 0, PASS: 0 };
  for (const s of sessions) if (s.run.verdict) counts[s.run.verdict]++;
  const rows = sessions.map((s) => {
    const rel = relative(outDir, join(s.reportDir, 'report.html')).split(sep).join('/');
    const href = safeUrl(rel);
    const why = s.run.error ?? s.run.verdictReasons?.[0] ?? '';
    return html`<tr data-verdict="${s.run.verdict}" data-product="${s.productType ?? ''}" data-channel="${s.channel ?? ''}" data-agent="${s.agentId ?? ''}" data-date="${s.recordedOn ?? ''}">
<td class="v v-${s.run.verdict ?? 'REVIEW'}">${VERDICT_LABEL[s.run.verdict ?? 'REVIEW']}</td>
<td class="num">${(s.run.risk ?? 0).toFixed(1)}</td>
<td>${href ? html`<a href="${href}">${s.sessionId}</a>` : s.sessionId}<div class="why">${s.relDir ? `${s.relDir}/` : ''}${s.name}</div></td>
<td>${s.productType ?? ''}${s.productName ? html`<div class="why">${s.productName}</div>` : ''}</td>
<td>${s.channel ?? ''}</td>
<td>${s.agentId ?? ''}</td>
<td>${s.recordedOn ?? ''}</td>
<td class="num">${s.run.failCount ?? 0}</td>
<td class="num">${s.run.undeterminedCount ?? 0}</td>
<td class="why">${why}</td>
</tr>`;
  });
  const page = html`<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src 'self' data:">
<title>双录质检批次汇总 · dualrec</title>
<style>${trusted(CSS)}</style></head>
<body>
<h1>双录质检汇总 Batch summary</h1>
<div class="meta">${sessions.length} 个会话 sessions · 生成于 ${generatedAt.toISOString()} · dualrec ${TOOL_VERSION}</div>
<div class="counts"><span class="v-FAIL">FAIL ${counts.FAIL}</span><span class="v-REVIEW">REVIEW ${counts.REVIEW}</span><span class="v-PASS">PASS ${counts.PASS}</span></div>
<form class="filters" id="filters">
<label>结论 Verdict<select name="verdict"><option value="">全部 all</option><option value="FAIL">FAIL</option><option value="REVIEW">REVIEW</option><option value="PASS">PASS</option></select></label>
<label>产品 Product<select name="product"><option value="">全部 all</option>${options(sessions.map((s) => s.productType))}</select></label>
<label>渠道 Channel<select name="channel"><option value="">全部 all</option>${options(sessions.map((s) => s.channel))}</select></label>
<label>业务员 Agent<input name="agent" type="search" list="agents" placeholder="工号 id"><datalist id="agents">${options(sessions.map((s) => s.agentId))}</datalist></label>
<label>从 From<input name="from" type="date"></label>
<label>到 To<input name="to" type="date"></label>
<button type="reset">清除 Clear</button>
<span>显示 shown: <b id="shown">${sessions.length}</b></span>
</form>
<table>
<thead><tr><th>结论 Verdict</th><th>风险 Risk</th><th>会话 Session</th><th>产品 Product</th><th>渠道 Channel</th><th>业务员 Agent</th><th>日期 Date</th><th>不通过 Fail</th><th>待定 Undetermined</th><th>原因 Why</th></tr></thead>
<tbody>
${rows}
</tbody></table>
<script>${trusted(SCRIPT)}</script>
</body></html>
`;
  return page.value;
}

/** Writes `<outDir>/index.html` (atomically) for the sessions whose reports live under outDir. */
export function writeIndexHtml(sessions: CurrentSession[], outDir: string): string {
  const prefix = outDir.endsWith(sep) ? outDir : outDir + sep;
  const mine = sessions.filter((s) => s.reportDir.startsWith(prefix));
  const file = join(outDir, 'index.html');
  writeFileAtomic(file, renderIndexHtml(mine, outDir));
  return file;
}
