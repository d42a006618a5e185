// report.html: one self-contained page (inline CSS/JS, no network) for a QA auditor.
// Top to bottom: verdict and reasons, session/media/integrity facts, a timeline, then the
// findings beside the video and transcript. Every text goes through `html` (escape.ts).
import type { FindingStatus, Report, Verdict } from '../model/index.js';
import { SCRIPT, SCRIPT_CSP_HASH, STYLE } from './assets.js';
import { html, jsonForScript, safeUrl, trusted, type HtmlValue, type SafeHtml } from './escape.js';
import { fmtBytes, fmtPercent, fmtTime, fmtTimestamp } from './format.js';
import {
  STATUS_ORDER,
  VERDICTS,
  finite,
  label,
  segmentAt,
  statusOf,
  timeButton,
  timelineDuration,
  type Ctx,
} from './html-helpers.js';
import { findingsSection, timeline, transcriptBlock, videoBlock } from './html-sections.js';
import { messages, type Lang } from './i18n.js';

export interface RenderOptions {
  /** page language; finding messages and reasons are shown as the rules wrote them */
  lang?: Lang;
  /** the recording, relative to the report folder (or an http(s) URL): adds a video player */
  videoHref?: string;
  /** shown above everything, as an alert: the review server's word that this report is not as signed */
  integrityWarning?: { title: string; text: string };
}

// ---------------------------------------------------------------- header, verdict, facts

function header(ctx: Ctx): SafeHtml {
  const { r, m } = ctx;
  return html`<header class="top">
<h1>${m.title}</h1>
<div class="ids">${m.field.sessionId} <b>${r.session.id}</b>${r.session.recording ? html` · ${m.field.recording} <b>${r.session.recording}</b>` : ''} · ${m.field.generatedAt} ${fmtTimestamp(r.generatedAt)}</div>
</header>`;
}

function verdictBanner(ctx: Ctx, counts: Record<FindingStatus, number>): SafeHtml {
  const { r, m } = ctx;
  // An unanalyzable session is REVIEW whatever the report says; an unknown verdict too.
  const verdict: Verdict = r.error || !VERDICTS.includes(r.verdict) ? 'REVIEW' : r.verdict;
  const reasons = r.verdictReasons.length > 0 ? r.verdictReasons : [m.verdictHint[verdict]];
  return html`<section class="verdict v-${verdict}" id="verdict" data-verdict="${verdict}">
<div><div class="v-word">${m.verdict[verdict]}</div><div class="v-sub">${verdict} · ${m.verdictHint[verdict]}</div></div>
<ul class="reasons">${reasons.map((x) => html`<li>${x}</li>`)}</ul>
<nav class="counts">${STATUS_ORDER.map(
    (s) => html`<a class="chip s-${s}" href="#g-${s}"><span>${m.status[s]}</span><b>${counts[s]}</b></a>`,
  )}</nav>
</section>`;
}

function errorBox(ctx: Ctx): SafeHtml | undefined {
  if (!ctx.r.error) return undefined;
  return html`<section class="errorbox" id="error"><h2>${ctx.m.errorTitle}</h2><p>${ctx.r.error}</p></section>`;
}

function kv(rows: [string, HtmlValue][]): SafeHtml {
  return html`<dl class="kv">${rows
    .filter(([, v]) => v !== undefined && v !== '' && v !== null)
    .map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>`;
}

function sessionCard(ctx: Ctx): SafeHtml {
  const { r, m } = ctx;
  const meta = r.session.meta;
  // Names are personal data: the page shows the agent's id and the customer's age, never a name.
  const product = [
    meta.product?.name,
    meta.product?.type ? label(m.productType, meta.product.type) : undefined,
    finite(meta.product?.term_years) ? m.years(meta.product.term_years) : undefined,
  ]
    .filter(Boolean)
    .join(' · ');
  const insured = meta.insured_is_policyholder === undefined ? undefined : meta.insured_is_policyholder ? m.yes : m.no;
  const sha = r.session.contentSha256;
  return html`<section class="card" id="session"><h2>${m.section.session}</h2>${kv([
    [
      m.field.sessionId,
      meta.session_id && meta.session_id !== r.session.id ? `${r.session.id}（${meta.session_id}）` : r.session.id,
    ],
    [m.field.product, product || undefined],
    [m.field.channel, meta.channel ? label(m.channel, meta.channel) : undefined],
    [m.field.age, finite(meta.policyholder?.age) ? m.ageYears(meta.policyholder.age) : m.unknown],
    [m.field.insuredIsPolicyholder, insured],
    [m.field.agentId, meta.agent?.id ?? m.unknown],
    [m.field.region, meta.region],
    [m.field.recordedAt, meta.recorded_at ? fmtTimestamp(meta.recorded_at) : undefined],
    [m.field.expectedDuration, finite(meta.duration_s) ? fmtTime(meta.duration_s) : undefined],
    [m.field.sha256, sha ? html`<span class="mono" title="${sha}">${sha.slice(0, 16)}…</span>` : undefined],
  ])}${r.session.metaFromSidecar ? '' : html`<p class="warn" id="meta-missing">${m.metaMissing}</p>`}</section>`;
}

function mediaCard(ctx: Ctx): SafeHtml {
  const { r, m } = ctx;
  const probe = r.media?.probe;
  const t = r.transcript;
  const transcriptLine = t
    ? html`${t.source.kind === 'import' ? m.importedFrom(t.source.format, t.source.file) : m.recognisedBy(t.source.engine, t.source.model)}${t.language ? ` · ${t.language}` : ''} · ${m.segments(t.segments.length)}`
    : html`<span class="muted">${m.transcriptMissing}</span>`;
  const sp = r.speakers;
  const speakersLine = sp
    ? html`<span title="${sp.notes.join('\n')}">${m.speakersLine(
        label(m.speakerMethod, sp.method),
        sp.speakerCount,
        finite(sp.customerShareOfSpeech) ? fmtPercent(sp.customerShareOfSpeech) : null,
      )}</span>`
    : undefined;
  const visualLine = r.visual
    ? m.samplesEvents(r.visual.faces.length, r.visual.events.length)
    : html`<span class="muted">${m.noVisual}</span>`;
  if (!probe) {
    return html`<section class="card" id="media"><h2>${m.section.media}</h2><p class="muted" style="margin:0 0 4px">${m.noMedia}</p>${kv(
      [
        [m.field.transcript, transcriptLine],
        [m.field.speakers, speakersLine],
        [m.field.visual, visualLine],
      ],
    )}</section>`;
  }
  const v = probe.video[0];
  const a = probe.audio[0];
  const loud = r.media?.signals?.loudness;
  const decode = r.media?.signals?.decodeErrors;
  return html`<section class="card" id="media"><h2>${m.section.media}</h2>${kv([
    [m.field.duration, probe.duration > 0 ? fmtTime(probe.duration) : m.unknown],
    [
      m.field.container,
      `${probe.container.split(',')[0]} · ${fmtBytes(probe.sizeBytes)}${finite(probe.bitRate) ? ` · ${Math.round(probe.bitRate / 1000)} kb/s` : ''}`,
    ],
    [
      m.field.video,
      v
        ? `${v.codec} ${v.width}×${v.height} · ${Number(v.fps.toFixed(2))} fps`
        : html`<span class="miss">${m.none}</span>`,
    ],
    [
      m.field.audio,
      a
        ? `${a.codec} · ${a.channelLayout ?? `${a.channels} ch`} · ${a.sampleRate} Hz`
        : html`<span class="miss">${m.none}</span>`,
    ],
    [m.field.loudness, loud ? `${loud.integratedLufs.toFixed(1)} LUFS · LRA ${loud.lraLu.toFixed(1)} LU` : undefined],
    [
      m.field.decodeErrors,
      decode && decode.count > 0
        ? html`<span class="miss">${decode.count}</span>${decode.samples.length ? html` <span class="note" title="${decode.samples.join('\n')}">${decode.samples[0]}</span>` : ''}`
        : undefined,
    ],
    [m.field.transcript, transcriptLine],
    [m.field.speakers, speakersLine],
    [m.field.visual, visualLine],
  ])}</section>`;
}

function integrityCard(ctx: Ctx): SafeHtml {
  const { r, m } = ctx;
  const issues = r.integrity;
  return html`<section class="card" id="integrity"><h2>${m.section.integrity} <span class="n">(${issues.length})</span></h2>${
    issues.length === 0
      ? html`<p class="muted" style="margin:0">${m.noIntegrityIssues}</p>`
      : html`<ul class="issues">${issues.map(
          (i) =>
            html`<li><span class="badge sev-${i.severity}">${label(m.severity, i.severity)}</span> <b>${label(m.integrityCode, i.code)}</b> ${
              finite(i.start)
                ? timeButton(ctx, i.start, finite(i.end) ? i.end : undefined, segmentAt(ctx.segments, i.start))
                : ''
            } ${i.message}</li>`,
        )}</ul>`
  }${footerFacts(ctx)}</section>`;
}

function footerFacts(ctx: Ctx): SafeHtml {
  const { r, m } = ctx;
  return html`<div style="margin-top:8px">${kv([
    [m.field.rules, r.rules ? `${r.rules.packs.join(', ')} · ${r.rules.version}` : undefined],
    [m.field.tool, `${r.tool.name} ${r.tool.version}`],
    [m.field.schema, r.schemaVersion],
  ])}</div>`;
}

// ---------------------------------------------------------------- page

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '';
  }
}

/** Renders the auditor's page for one report. Pure: same report and options, same bytes. */
export function renderReportHtml(report: Report, opts: RenderOptions = {}): string {
  const m = messages(opts.lang ?? 'zh');
  const segments = [...(report.transcript?.segments ?? [])].sort((a, b) => a.start - b.start || a.id - b.id);
  const ctx: Ctx = {
    r: report,
    m,
    duration: timelineDuration(report),
    segments,
    segById: new Map(segments.map((s) => [s.id, s])),
    anchor: (i) => `f-${i}`,
    hasVideo: false,
  };
  const videoHref = safeUrl(opts.videoHref);
  ctx.hasVideo = videoHref !== undefined;

  const counts = { fail: 0, undetermined: 0, pass: 0, not_applicable: 0 } as Record<FindingStatus, number>;
  for (const f of report.findings) counts[statusOf(f)]++;

  const httpVideo = videoHref && /^https?:\/\//i.test(videoHref) ? ` ${originOf(videoHref)}` : '';
  // No network: nothing may be fetched but the files beside the report, and only our own script runs.
  const csp =
    `default-src 'none'; style-src 'unsafe-inline'; script-src ${SCRIPT_CSP_HASH}; ` +
    `img-src 'self' file: data:; media-src 'self' file: blob:${httpVideo}; base-uri 'none'; form-action 'none'`;
  const data = {
    duration: ctx.duration,
    segments: segments.map((s) => [s.id, s.start, s.end]),
  };
  const verdictWord = m.verdict[report.error || !VERDICTS.includes(report.verdict) ? 'REVIEW' : report.verdict];

  const page = html`<!doctype html>
<html lang="${m.htmlLang}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${verdictWord} · ${report.session.id} · ${m.title}</title>
<style>${trusted(STYLE)}</style>
</head>
<body class="lang-${opts.lang === 'en' ? 'en' : 'zh'}">
<main>
${opts.integrityWarning ? html`<section class="errorbox" id="integrity-warning" role="alert"><h2>${opts.integrityWarning.title}</h2><p>${opts.integrityWarning.text}</p></section>` : ''}
${header(ctx)}
${verdictBanner(ctx, counts)}
${errorBox(ctx)}
<div class="facts">${sessionCard(ctx)}${mediaCard(ctx)}${integrityCard(ctx)}</div>
${timeline(ctx)}
<div class="cols">
${findingsSection(ctx)}
<aside class="side">${videoBlock(ctx, videoHref)}${transcriptBlock(ctx)}</aside>
</div>
<footer>dualrec ${report.tool.version} · report schema ${report.schemaVersion}</footer>
</main>
<script type="application/json" id="dualrec-data">${jsonForScript(data)}</script>
<script>${trusted(SCRIPT)}</script>
</body>
</html>
`;
  return page.value;
}
