// report.html: one self-contained page (inline CSS/JS, no network) for a QA auditor.
// Top to bottom: verdict and reasons, session/media/integrity facts, a timeline, then the
// findings beside the video and transcript. Every text goes through `html` (escape.ts).
import type { Evidence, Finding, FindingStatus, Report, Segment, Severity, Verdict } from '../model/index.js';
import { SCRIPT, SCRIPT_CSP_HASH, STYLE } from './assets.js';
import { html, jsonForScript, safeUrl, trusted, type HtmlValue, type SafeHtml } from './escape.js';
import { fmtBytes, fmtPercent, fmtRange, fmtTime, fmtTimestamp, pct, tickStep } from './format.js';
import { messages, type Lang, type Messages } from './i18n.js';

export interface RenderOptions {
  /** page language; finding messages and reasons are shown as the rules wrote them */
  lang?: Lang;
  /** the recording, relative to the report folder (or an http(s) URL): adds a video player */
  videoHref?: string;
  /** shown above everything, as an alert: the review server's word that this report is not as signed */
  integrityWarning?: { title: string; text: string };
}

const STATUS_ORDER: FindingStatus[] = ['fail', 'undetermined', 'pass', 'not_applicable'];
const SEVERITY_RANK: Record<Severity, number> = { critical: 0, major: 1, minor: 2, info: 3 };
const VERDICTS: Verdict[] = ['PASS', 'FAIL', 'REVIEW'];
/** finding dots per transcript line, worst first; the rest are counted */
const MAX_DOTS = 6;

interface Ctx {
  r: Report;
  m: Messages;
  duration: number;
  segments: Segment[];
  segById: Map<number, Segment>;
  /** finding index → anchor id */
  anchor: (i: number) => string;
  hasVideo: boolean;
}

/** A lookup in a label table that shows the raw value when the table does not know it. */
function label<K extends string>(table: Partial<Record<K, string>>, key: string): string {
  return (table as Record<string, string | undefined>)[key] ?? key;
}

function statusOf(f: Finding): FindingStatus {
  // An unknown status (a broken report) is shown as undetermined: never as a pass.
  return STATUS_ORDER.includes(f.status) ? f.status : 'undetermined';
}

function finite(n: unknown): n is number {
  return typeof n === 'number' && Number.isFinite(n);
}

/** How long the timeline is: the probe's duration, else the latest time anything mentions. */
function timelineDuration(r: Report): number {
  const probe = r.media?.probe.duration;
  if (finite(probe) && probe > 0) return probe;
  const ends: number[] = [];
  for (const s of r.transcript?.segments ?? []) ends.push(s.end);
  const sig = r.media?.signals;
  for (const i of [...(sig?.silence ?? []), ...(sig?.black ?? []), ...(sig?.frozen ?? [])]) ends.push(i.end);
  for (const c of sig?.cuts ?? []) ends.push(c.time);
  for (const f of r.visual?.faces ?? []) ends.push(f.time);
  for (const e of r.visual?.events ?? []) ends.push(e.end);
  for (const f of r.findings) for (const e of f.evidence) ends.push(e.end ?? e.start ?? 0);
  return Math.max(0, ...ends.filter(finite));
}

/** The transcript line a piece of evidence points at: its segment ids, else the line at its start. */
function evidenceSegment(ctx: Ctx, ev: Evidence): number | undefined {
  const byId = ev.segmentIds?.find((id) => ctx.segById.has(id));
  if (byId !== undefined) return byId;
  if (finite(ev.start)) return segmentAt(ctx.segments, ev.start);
  return undefined;
}

/** The lines a piece of evidence is about (for the dots): its segment ids, else the line its start falls in. */
function evidenceLines(ctx: Ctx, ev: Evidence): number[] {
  const ids = (ev.segmentIds ?? []).filter((id) => ctx.segById.has(id));
  if (ids.length > 0) return ids;
  if (!finite(ev.start)) return [];
  const t = ev.start;
  const inside = ctx.segments.find((s) => s.start <= t && t < s.end);
  return inside ? [inside.id] : [];
}

function segmentAt(segments: Segment[], t: number): number | undefined {
  let best: Segment | undefined;
  for (const s of segments) if (s.start <= t + 0.05 && (!best || s.start >= best.start)) best = s;
  return (best ?? segments[0])?.id;
}

function evidenceTime(ctx: Ctx, ev: Evidence): { start: number; end?: number } | undefined {
  if (finite(ev.start)) return { start: ev.start, end: finite(ev.end) ? ev.end : undefined };
  const segs = (ev.segmentIds ?? []).map((id) => ctx.segById.get(id)).filter((s): s is Segment => !!s);
  if (segs.length === 0) return undefined;
  return { start: Math.min(...segs.map((s) => s.start)), end: Math.max(...segs.map((s) => s.end)) };
}

function timeButton(ctx: Ctx, start: number, end: number | undefined, seg: number | undefined): SafeHtml {
  return html`<button
    type="button"
    class="t"
    data-t="${start.toFixed(2)}"
    data-seg="${seg ?? ''}"
    title="${ctx.m.jump}"
  >
    ${fmtRange(start, end)}
  </button>`;
}

// ---------------------------------------------------------------- header, verdict, facts

function header(ctx: Ctx): SafeHtml {
  const { r, m } = ctx;
  return html`<header class="top">
    <h1>${m.title}</h1>
    <div class="ids">
      ${m.field.sessionId}
      <b>${r.session.id}</b>${r.session.recording ? html` · ${m.field.recording} <b>${r.session.recording}</b>` : ''} ·
      ${m.field.generatedAt} ${fmtTimestamp(r.generatedAt)}
    </div>
  </header>`;
}

function verdictBanner(ctx: Ctx, counts: Record<FindingStatus, number>): SafeHtml {
  const { r, m } = ctx;
  // An unanalyzable session is REVIEW whatever the report says; an unknown verdict too.
  const verdict: Verdict = r.error || !VERDICTS.includes(r.verdict) ? 'REVIEW' : r.verdict;
  const reasons = r.verdictReasons.length > 0 ? r.verdictReasons : [m.verdictHint[verdict]];
  return html`<section class="verdict v-${verdict}" id="verdict" data-verdict="${verdict}">
    <div>
      <div class="v-word">${m.verdict[verdict]}</div>
      <div class="v-sub">${verdict} · ${m.verdictHint[verdict]}</div>
    </div>
    <ul class="reasons">
      ${reasons.map((x) => html`<li>${x}</li>`)}
    </ul>
    <nav class="counts">
      ${STATUS_ORDER.map(
        (s) => html`<a class="chip s-${s}" href="#g-${s}"><span>${m.status[s]}</span><b>${counts[s]}</b></a>`,
      )}
    </nav>
  </section>`;
}

function errorBox(ctx: Ctx): SafeHtml | undefined {
  if (!ctx.r.error) return undefined;
  return html`<section class="errorbox" id="error">
    <h2>${ctx.m.errorTitle}</h2>
    <p>${ctx.r.error}</p>
  </section>`;
}

function kv(rows: [string, HtmlValue][]): SafeHtml {
  return html`<dl class="kv">
    ${rows
      .filter(([, v]) => v !== undefined && v !== '' && v !== null)
      .map(
        ([k, v]) =>
          html`<dt>${k}</dt>
            <dd>${v}</dd>`,
      )}
  </dl>`;
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
  return html`<section class="card" id="session">
    <h2>${m.section.session}</h2>
    ${kv([
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
    ])}${r.session.metaFromSidecar ? '' : html`<p class="warn" id="meta-missing">${m.metaMissing}</p>`}
  </section>`;
}

function mediaCard(ctx: Ctx): SafeHtml {
  const { r, m } = ctx;
  const probe = r.media?.probe;
  const t = r.transcript;
  const transcriptLine = t
    ? html`${t.source.kind === 'import' ? m.importedFrom(t.source.format, t.source.file) : m.recognisedBy(t.source.engine, t.source.model)}${t.language ? ` · ${t.language}` : ''}
      · ${m.segments(t.segments.length)}`
    : html`<span class="muted">${m.transcriptMissing}</span>`;
  const sp = r.speakers;
  const speakersLine = sp
    ? html`<span title="${sp.notes.join('\n')}"
        >${m.speakersLine(
          label(m.speakerMethod, sp.method),
          sp.speakerCount,
          finite(sp.customerShareOfSpeech) ? fmtPercent(sp.customerShareOfSpeech) : null,
        )}</span
      >`
    : undefined;
  const visualLine = r.visual
    ? m.samplesEvents(r.visual.faces.length, r.visual.events.length)
    : html`<span class="muted">${m.noVisual}</span>`;
  if (!probe) {
    return html`<section class="card" id="media">
      <h2>${m.section.media}</h2>
      <p class="muted" style="margin:0 0 4px">${m.noMedia}</p>
      ${kv([
        [m.field.transcript, transcriptLine],
        [m.field.speakers, speakersLine],
        [m.field.visual, visualLine],
      ])}
    </section>`;
  }
  const v = probe.video[0];
  const a = probe.audio[0];
  const loud = r.media?.signals?.loudness;
  const decode = r.media?.signals?.decodeErrors;
  return html`<section class="card" id="media">
    <h2>${m.section.media}</h2>
    ${kv([
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
          ? html`<span class="miss">${decode.count}</span
              >${decode.samples.length ? html` <span class="note" title="${decode.samples.join('\n')}">${decode.samples[0]}</span>` : ''}`
          : undefined,
      ],
      [m.field.transcript, transcriptLine],
      [m.field.speakers, speakersLine],
      [m.field.visual, visualLine],
    ])}
  </section>`;
}

function integrityCard(ctx: Ctx): SafeHtml {
  const { r, m } = ctx;
  const issues = r.integrity;
  return html`<section class="card" id="integrity">
    <h2>${m.section.integrity} <span class="n">(${issues.length})</span></h2>
    ${
      issues.length === 0
        ? html`<p class="muted" style="margin:0">${m.noIntegrityIssues}</p>`
        : html`<ul class="issues">
            ${issues.map(
              (i) =>
                html`<li>
                  <span class="badge sev-${i.severity}">${label(m.severity, i.severity)}</span>
                  <b>${label(m.integrityCode, i.code)}</b> ${
                    finite(i.start)
                      ? timeButton(ctx, i.start, finite(i.end) ? i.end : undefined, segmentAt(ctx.segments, i.start))
                      : ''
                  }
                  ${i.message}
                </li>`,
            )}
          </ul>`
    }${footerFacts(ctx)}
  </section>`;
}

function footerFacts(ctx: Ctx): SafeHtml {
  const { r, m } = ctx;
  return html`<div style="margin-top:8px">
    ${kv([
      [m.field.rules, r.rules ? `${r.rules.packs.join(', ')} · ${r.rules.version}` : undefined],
      [m.field.tool, `${r.tool.name} ${r.tool.version}`],
      [m.field.schema, r.schemaVersion],
    ])}
  </div>`;
}

// ---------------------------------------------------------------- timeline

function span(
  cls: string,
  start: number,
  end: number,
  dur: number,
  title: string,
  extra: SafeHtml | string = '',
): SafeHtml {
  const w = Math.max(0, Math.min(end, dur) - Math.max(0, start));
  return html`<span
    class="${cls}"
    style="left:${pct(start, dur)};width:${pct(w, dur)}"
    title="${title}"
    ${extra}
  ></span>`;
}

function lane(name: string, body: HtmlValue, opts: { tall?: boolean; seekable?: boolean; id?: string } = {}): SafeHtml {
  return html`<div class="lane${opts.tall ? ' tall' : ''}" ${opts.id ? html` id="${opts.id}"` : ''}>
    <div class="lname" title="${name}">${name}</div>
    <div class="track${opts.seekable ? ' seekable' : ''}">${body}</div>
  </div>`;
}

function timeline(ctx: Ctx): SafeHtml {
  const { r, m, duration: dur } = ctx;
  if (!(dur > 0)) {
    if (r.error) return html``;
    return html`<section class="card timeline" id="timeline">
      <h2>${m.section.timeline}</h2>
      <p class="muted" style="margin:0">${m.noTimeline}</p>
    </section>`;
  }
  const sig = r.media?.signals;
  const seek = ctx.hasVideo;
  const lanes: SafeHtml[] = [];

  lanes.push(
    lane(
      m.lane.speech,
      ctx.segments.map((s) => {
        const role = s.role ?? 'none';
        const cls = `sp r-${role}${s.lowConfidence ? ' low' : ''}`;
        const who = s.role ? `${label(m.role, s.role)} ` : '';
        return span(
          cls,
          s.start,
          s.end,
          dur,
          `${fmtRange(s.start, s.end)} ${who}${s.text}`,
          html` data-t="${s.start.toFixed(2)}" data-seg="${s.id}"`,
        );
      }),
      { seekable: seek, id: 'lane-speech' },
    ),
  );
  const sp = r.speakers;
  if (sp && (sp.overlaps.length > 0 || sp.thirdPartyVoices.length > 0)) {
    lanes.push(
      lane(
        m.lane.talk,
        [
          ...sp.overlaps.map((i) =>
            span(
              'ovl',
              i.start,
              i.end,
              dur,
              `${m.lane.overlap} ${fmtRange(i.start, i.end)}`,
              html` data-t="${i.start.toFixed(2)}"`,
            ),
          ),
          ...sp.thirdPartyVoices.map((i) =>
            span(
              'tpv',
              i.start,
              i.end,
              dur,
              `${m.lane.thirdParty} ${fmtRange(i.start, i.end)}`,
              html` data-t="${i.start.toFixed(2)}"`,
            ),
          ),
        ],
        { seekable: seek, id: 'lane-talk' },
      ),
    );
  }
  if (sig) {
    lanes.push(
      lane(
        m.lane.silence,
        sig.silence.map((i) => span('sil', i.start, i.end, dur, `${m.lane.silence} ${fmtRange(i.start, i.end)}`)),
        { seekable: seek },
      ),
    );
    lanes.push(
      lane(
        m.lane.picture,
        [
          ...sig.black.map((i) =>
            span(
              'blk',
              i.start,
              i.end,
              dur,
              `${m.lane.black} ${fmtRange(i.start, i.end)}`,
              html` data-t="${i.start.toFixed(2)}"`,
            ),
          ),
          ...sig.frozen.map((i) =>
            span(
              'frz',
              i.start,
              i.end,
              dur,
              `${m.lane.frozen} ${fmtRange(i.start, i.end)}`,
              html` data-t="${i.start.toFixed(2)}"`,
            ),
          ),
        ],
        { seekable: seek },
      ),
    );
    // Poor picture/sound stretches: the quality findings' evidence (what the thresholds judged poor).
    const poor = r.findings.filter((f) => f.category === 'quality' && f.status === 'fail');
    if (poor.length > 0) {
      lanes.push(
        lane(
          m.lane.quality,
          poor.flatMap((f) =>
            f.evidence
              .filter((e) => e.start !== undefined && e.end !== undefined)
              .map((e) =>
                span(
                  `qlt q-${f.severity}`,
                  e.start!,
                  e.end!,
                  dur,
                  `${f.title} ${fmtRange(e.start!, e.end!)} ${e.note ?? ''}`,
                  html` data-t="${e.start!.toFixed(2)}"`,
                ),
              ),
          ),
          { seekable: seek, id: 'lane-quality' },
        ),
      );
    }
    lanes.push(
      lane(
        m.lane.cuts,
        sig.cuts.map(
          (c) =>
            html`<span
              class="cut"
              style="left:${pct(c.time, dur)}"
              title="${m.lane.cuts} ${fmtTime(c.time)} (${c.score.toFixed(1)})"
              data-t="${c.time.toFixed(2)}"
            ></span>`,
        ),
        { seekable: seek },
      ),
    );
  }
  if (r.visual) {
    lanes.push(lane(m.lane.faces, faceSpans(ctx), { seekable: seek, id: 'lane-faces' }));
    if (r.visual.events.length > 0) {
      lanes.push(
        lane(
          m.lane.visualEvents,
          r.visual.events.map((e) =>
            span(
              `ve k-${e.kind}`,
              e.start,
              e.end,
              dur,
              `${label(m.visualKind, e.kind)}${e.label ? ` · ${e.label}` : ''} ${fmtRange(e.start, e.end)} (${fmtPercent(e.confidence)})${e.notes?.length ? ` — ${e.notes.join('；')}` : ''}`,
              html` data-t="${e.start.toFixed(2)}"`,
            ),
          ),
          { seekable: seek },
        ),
      );
    }
  }
  lanes.push(lane(m.lane.findings, findingMarks(ctx), { tall: true, seekable: seek, id: 'lane-findings' }));

  const step = tickStep(dur);
  const ticks: SafeHtml[] = [];
  for (let t = 0; t <= dur - step * 0.3; t += step)
    ticks.push(html`<span class="tick" style="left:${pct(t, dur)}">${fmtTime(t)}</span>`);
  ticks.push(html`<span class="tick" style="left:100%">${fmtTime(dur)}</span>`);
  const axis = html`<div class="lane axis">
    <div class="lname"></div>
    <div class="track">${ticks}</div>
  </div>`;

  const legend = html`<div class="legend">
    <span><i class="sp r-agent"></i>${m.role.agent}</span><span><i class="sp r-customer"></i>${m.role.customer}</span
    ><span><i class="sp r-unknown"></i>${m.role.unknown}</span>
    ${sp && (sp.overlaps.length > 0 || sp.thirdPartyVoices.length > 0) ? html`<span><i class="ovl"></i>${m.lane.overlap}</span><span><i class="tpv"></i>${m.lane.thirdParty}</span>` : ''}
    <span><i class="sil"></i>${m.lane.silence}</span><span><i class="blk"></i>${m.lane.black}</span
    ><span><i class="frz"></i>${m.lane.frozen}</span>
    ${STATUS_ORDER.map((s) => html`<span><i class="dot s-${s}" style="border-radius:2px"></i>${m.status[s]}</span>`)}
    ${r.visual ? [0, 1, 2, 3].map((n) => html`<span><i class="fc${n}"></i>${n === 3 ? '3+' : n}</span>`) : ''}
  </div>`;

  return html`<section class="card timeline" id="timeline">
    <h2>${m.section.timeline}</h2>
    <div class="tl">
      ${lanes}${axis}
      <div class="playhead" id="playhead" hidden></div>
    </div>
    ${legend}
  </section>`;
}

function faceSpans(ctx: Ctx): SafeHtml[] {
  const faces = [...(ctx.r.visual?.faces ?? [])].filter((f) => finite(f.time)).sort((a, b) => a.time - b.time);
  const out: SafeHtml[] = [];
  // Consecutive samples with the same count merge into one stretch; each stretch runs to the next sample.
  let i = 0;
  while (i < faces.length) {
    let j = i;
    while (j + 1 < faces.length && faces[j + 1].count === faces[i].count) j++;
    const start = faces[i].time;
    const next = faces[j + 1]?.time;
    const step = faces.length > 1 ? (faces[faces.length - 1].time - faces[0].time) / (faces.length - 1) : 1;
    const end = next ?? Math.min(ctx.duration, faces[j].time + step);
    const n = faces[i].count;
    out.push(
      span(
        `fc${Math.min(3, n)}`,
        start,
        end,
        ctx.duration,
        `${fmtRange(start, end)} ${ctx.m.faces(n)}`,
        html` data-t="${start.toFixed(2)}"`,
      ),
    );
    i = j + 1;
  }
  return out;
}

function findingMarks(ctx: Ctx): SafeHtml[] {
  const { r, m, duration: dur } = ctx;
  const marks: { order: number; html: SafeHtml }[] = [];
  r.findings.forEach((f, i) => {
    const status = statusOf(f);
    for (const ev of f.evidence) {
      const t = evidenceTime(ctx, ev);
      if (!t) continue;
      const seg = evidenceSegment(ctx, ev);
      const w = t.end !== undefined ? Math.max(0, t.end - t.start) : 0;
      marks.push({
        // fails drawn last, so on top
        order: 3 - STATUS_ORDER.indexOf(status),
        html: html`<button
          type="button"
          class="fm s-${status}"
          style="left:${pct(t.start, dur)};width:${pct(w, dur)}"
          data-t="${t.start.toFixed(2)}"
          data-seg="${seg ?? ''}"
          data-finding="${ctx.anchor(i)}"
          title="${m.status[status]} · ${f.title} · ${fmtRange(t.start, t.end)}"
          aria-label="${m.status[status]} ${f.title} ${fmtTime(t.start)}"
        ></button>`,
      });
    }
  });
  return marks.sort((a, b) => a.order - b.order).map((x) => x.html);
}

// ---------------------------------------------------------------- findings

function excerptHtml(ev: Evidence): SafeHtml | undefined {
  const { excerpt, matched } = ev;
  if (excerpt) {
    const at = matched ? excerpt.indexOf(matched) : -1;
    if (matched && at >= 0) {
      return html`<q class="ex"
        >${excerpt.slice(0, at)}<mark>${matched}</mark>${excerpt.slice(at + matched.length)}</q
      >`;
    }
    return html`<q class="ex">${excerpt}</q
      >${matched ? html` <span class="kv2">· <mark>${matched}</mark></span>` : ''}`;
  }
  return matched ? html`<q class="ex"><mark>${matched}</mark></q>` : undefined;
}

function evidenceItem(ctx: Ctx, ev: Evidence): SafeHtml {
  const { m } = ctx;
  const t = evidenceTime(ctx, ev);
  const parts: HtmlValue[] = [];
  if (t) parts.push(timeButton(ctx, t.start, t.end, evidenceSegment(ctx, ev)), ' ');
  const ex = excerptHtml(ev);
  if (ex) parts.push(ex);
  if (finite(ev.similarity)) parts.push(html`<span class="kv2">${m.similarity} ${fmtPercent(ev.similarity)}</span>`);
  if (ev.missing) parts.push(html`<div class="miss">${m.missing}：${ev.missing}</div>`);
  if (ev.note) parts.push(html`<div class="note">${ev.note}</div>`);
  const frames = (ev.frames ?? []).map((p) => ({ p, url: safeUrl(p) })).filter((x) => x.url);
  if (frames.length > 0) {
    parts.push(
      html`<div class="frames" title="${m.frames}">
        ${frames.map(
          (x) =>
            html`<a href="${x.url}" target="_blank" rel="noopener"
              ><img src="${x.url}" alt="${m.frames} ${x.p}" loading="lazy"
            /></a>`,
        )}
      </div>`,
    );
  }
  return html`<li>${parts}</li>`;
}

function findingCard(ctx: Ctx, f: Finding, i: number, compact: boolean): SafeHtml {
  const { m } = ctx;
  const status = statusOf(f);
  const ev = f.evidence.filter((e) => Object.values(e).some((v) => v !== undefined));
  return html`<article
    class="finding s-${status}${compact ? ' compact' : ''}"
    id="${ctx.anchor(i)}"
    data-status="${status}"
  >
    <div class="fh">
      <span class="badge s-${status}">${m.status[status]}</span
      ><span class="badge sev-${f.severity}">${label(m.severity, f.severity)}</span>
      <h3>${f.title}</h3>
      <span class="rid">${f.ruleId}</span
      ><span class="concepts"
        >${f.concepts.map((c) => html`<span class="concept" title="${c}">${label(m.concept, c)}</span>`)}</span
      >
    </div>
    <p class="msg">${f.message}</p>
    ${
      ev.length
        ? html`<ul class="ev">
            ${ev.map((e) => evidenceItem(ctx, e))}
          </ul>`
        : ''
    }${
      compact
        ? ''
        : html`<div class="fmeta">
            ${m.confidence} ${finite(f.confidence) ? fmtPercent(f.confidence) : m.unknown} · ${m.category}
            ${f.category}${f.source ? html` · ${m.source}：${f.source}` : ''}
          </div>`
    }
  </article>`;
}

function findingsSection(ctx: Ctx): SafeHtml {
  const { r, m } = ctx;
  const indexed = r.findings.map((f, i) => ({ f, i, start: firstTime(ctx, f) }));
  const hasProblems = r.findings.some((f) => statusOf(f) === 'fail' || statusOf(f) === 'undetermined');
  const groups = STATUS_ORDER.map((status) => {
    const items = indexed
      .filter((x) => statusOf(x.f) === status)
      .sort(
        (a, b) =>
          (SEVERITY_RANK[a.f.severity] ?? 9) - (SEVERITY_RANK[b.f.severity] ?? 9) || a.start - b.start || a.i - b.i,
      );
    if (items.length === 0) return '';
    const compact = status === 'pass' || status === 'not_applicable';
    // The auditor's minute goes to the problems: passes fold away when there are any (one click
    // or a link from the transcript opens them); not-applicable rules are always folded.
    const open = status === 'fail' || status === 'undetermined' || (status === 'pass' && !hasProblems);
    return html`<details class="group" id="g-${status}" ${open ? html` open` : ''}>
      <summary class="s-${status}">${m.status[status]} <span class="n">(${items.length})</span></summary>
      ${items.map((x) => findingCard(ctx, x.f, x.i, compact))}
    </details>`;
  });
  return html`<section id="findings">
    <h2>${m.section.findings} <span class="n">(${r.findings.length})</span></h2>
    ${r.findings.length === 0 ? html`<p class="muted">${m.noFindings}</p>` : groups}
  </section>`;
}

function firstTime(ctx: Ctx, f: Finding): number {
  const times = f.evidence.map((e) => evidenceTime(ctx, e)?.start).filter(finite);
  return times.length ? Math.min(...times) : Number.MAX_SAFE_INTEGER;
}

// ---------------------------------------------------------------- video and transcript

function videoBlock(ctx: Ctx, href: string | undefined): SafeHtml | undefined {
  if (!href) return undefined;
  return html`<section class="card" id="player">
    <video id="video" controls preload="metadata" src="${href}"></video>
    <p class="warn" id="video-error" hidden>${ctx.m.videoMissing}</p>
  </section>`;
}

function transcriptBlock(ctx: Ctx): SafeHtml {
  const { r, m } = ctx;
  const t = r.transcript;
  const head = html`<h2>${m.section.transcript}${t ? html` <span class="n">(${t.segments.length})</span>` : ''}</h2>`;
  if (!t) {
    return html`<section class="card txcard" id="transcript">
      ${head}
      <p class="warn" id="transcript-missing">
        ${m.transcriptMissing}：${r.transcriptMissingReason ?? m.reasonUnknown}
      </p>
    </section>`;
  }
  // Which findings point at each line, for the coloured dots that link back to them.
  const dots = new Map<number, { anchor: string; status: FindingStatus; title: string }[]>();
  r.findings.forEach((f, i) => {
    for (const ev of f.evidence) {
      for (const id of evidenceLines(ctx, ev)) {
        const list = dots.get(id) ?? [];
        if (!list.some((d) => d.anchor === ctx.anchor(i)))
          list.push({ anchor: ctx.anchor(i), status: statusOf(f), title: f.title });
        dots.set(id, list);
      }
    }
  });
  const diags = t.diagnostics ?? [];
  const diagHtml =
    diags.length > 0
      ? html`<details class="diag">
          <summary>${m.section.diagnostics} (${diags.length})</summary>
          <ul>
            ${diags.map(
              (d) =>
                html`<li>
                  ${finite(d.start) ? timeButton(ctx, d.start, finite(d.end) ? d.end : undefined, undefined) : ''}
                  <b>${label(m.diagnosticKind, d.kind)}</b>
                  ${d.message}${d.text ? html` <q class="ex">${d.text}</q>` : ''}
                </li>`,
            )}
          </ul>
        </details>`
      : '';
  const lines = ctx.segments.map((s) => {
    const role = s.role;
    const conf = finite(s.confidence) ? ` ${fmtPercent(s.confidence)}` : '';
    const d = dots.get(s.id) ?? [];
    return html`<li id="seg-${s.id}" class="${role ? `r-${role}` : 'r-none'}${s.lowConfidence ? ' low' : ''}">
      ${timeButton(ctx, s.start, undefined, s.id)}<span
        class="role${role ? ` r-${role}` : ''}"
        title="${[s.speaker, s.voice, finite(s.roleConfidence) ? fmtPercent(s.roleConfidence) : undefined].filter(Boolean).join(' · ')}"
        >${role ? label(m.role, role) : ''}</span
      ><span
        ><span class="text">${s.text}</span>${
          s.lowConfidence ? html`<span class="lowtag">${m.lowConfidence}${conf}</span>` : ''
        }${
          d.length
            ? html`<span class="dots"
                >${d
                  .sort((a, b) => STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status))
                  .slice(0, MAX_DOTS)
                  .map(
                    (x) =>
                      html`<a
                        class="dot s-${x.status}"
                        href="#${x.anchor}"
                        title="${m.status[x.status]} · ${x.title}"
                      ></a>`,
                  )}${d.length > MAX_DOTS ? html`<span class="muted"> +${d.length - MAX_DOTS}</span>` : ''}</span
              >`
            : ''
        }</span
      >
    </li>`;
  });
  return html`<section class="card txcard" id="transcript">
    ${head}${diagHtml}${t.segments.length === 0 ? html`<p class="warn">${m.transcriptEmpty}</p>` : ''}
    <ol class="tx" id="tx">
      ${lines}
    </ol>
  </section>`;
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
        <meta charset="utf-8" />
        <meta http-equiv="Content-Security-Policy" content="${csp}" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>${verdictWord} · ${report.session.id} · ${m.title}</title>
        <style>
          ${trusted(STYLE)}
        </style>
      </head>
      <body class="lang-${opts.lang === 'en' ? 'en' : 'zh'}">
        <main>
          ${
            opts.integrityWarning
              ? html`<section class="errorbox" id="integrity-warning" role="alert">
                  <h2>${opts.integrityWarning.title}</h2>
                  <p>${opts.integrityWarning.text}</p>
                </section>`
              : ''
          }
          ${header(ctx)} ${verdictBanner(ctx, counts)} ${errorBox(ctx)}
          <div class="facts">${sessionCard(ctx)}${mediaCard(ctx)}${integrityCard(ctx)}</div>
          ${timeline(ctx)}
          <div class="cols">
            ${findingsSection(ctx)}
            <aside class="side">${videoBlock(ctx, videoHref)}${transcriptBlock(ctx)}</aside>
          </div>
          <footer>dualrec ${report.tool.version} · report schema ${report.schemaVersion}</footer>
        </main>
        <script type="application/json" id="dualrec-data">
          ${jsonForScript(data)}
        </script>
        <script>
          ${trusted(SCRIPT)};
        </script>
      </body>
    </html> `;
  return page.value;
}
