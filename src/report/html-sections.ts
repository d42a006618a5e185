// The report page's timeline, findings, video and transcript sections (the page itself is html.ts).
import type { Evidence, Finding, FindingStatus } from '../model/index.js';
import { html, safeUrl, type HtmlValue, type SafeHtml } from './escape.js';
import { fmtPercent, fmtRange, fmtTime, pct, tickStep } from './format.js';
import {
  MAX_DOTS,
  SEVERITY_RANK,
  STATUS_ORDER,
  evidenceLines,
  evidenceSegment,
  evidenceTime,
  finite,
  label,
  statusOf,
  timeButton,
  type Ctx,
} from './html-helpers.js';

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
  return html`<span class="${cls}" style="left:${pct(start, dur)};width:${pct(w, dur)}" title="${title}"${extra}></span>`;
}

function lane(name: string, body: HtmlValue, opts: { tall?: boolean; seekable?: boolean; id?: string } = {}): SafeHtml {
  return html`<div class="lane${opts.tall ? ' tall' : ''}"${opts.id ? html` id="${opts.id}"` : ''}><div class="lname" title="${name}">${name}</div><div class="track${opts.seekable ? ' seekable' : ''}">${body}</div></div>`;
}

export function timeline(ctx: Ctx): SafeHtml {
  const { r, m, duration: dur } = ctx;
  if (!(dur > 0)) {
    if (r.error) return html``;
    return html`<section class="card timeline" id="timeline"><h2>${m.section.timeline}</h2><p class="muted" style="margin:0">${m.noTimeline}</p></section>`;
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
            html`<span class="cut" style="left:${pct(c.time, dur)}" title="${m.lane.cuts} ${fmtTime(c.time)} (${c.score.toFixed(1)})" data-t="${c.time.toFixed(2)}"></span>`,
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
  const axis = html`<div class="lane axis"><div class="lname"></div><div class="track">${ticks}</div></div>`;

  const legend = html`<div class="legend">
<span><i class="sp r-agent"></i>${m.role.agent}</span><span><i class="sp r-customer"></i>${m.role.customer}</span><span><i class="sp r-unknown"></i>${m.role.unknown}</span>
${sp && (sp.overlaps.length > 0 || sp.thirdPartyVoices.length > 0) ? html`<span><i class="ovl"></i>${m.lane.overlap}</span><span><i class="tpv"></i>${m.lane.thirdParty}</span>` : ''}
<span><i class="sil"></i>${m.lane.silence}</span><span><i class="blk"></i>${m.lane.black}</span><span><i class="frz"></i>${m.lane.frozen}</span>
${STATUS_ORDER.map((s) => html`<span><i class="dot s-${s}" style="border-radius:2px"></i>${m.status[s]}</span>`)}
${r.visual ? [0, 1, 2, 3].map((n) => html`<span><i class="fc${n}"></i>${n === 3 ? '3+' : n}</span>`) : ''}
</div>`;

  return html`<section class="card timeline" id="timeline"><h2>${m.section.timeline}</h2>
<div class="tl">${lanes}${axis}<div class="playhead" id="playhead" hidden></div></div>${legend}</section>`;
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
        html: html`<button type="button" class="fm s-${status}" style="left:${pct(t.start, dur)};width:${pct(w, dur)}" data-t="${t.start.toFixed(2)}" data-seg="${seg ?? ''}" data-finding="${ctx.anchor(i)}" title="${m.status[status]} · ${f.title} · ${fmtRange(t.start, t.end)}" aria-label="${m.status[status]} ${f.title} ${fmtTime(t.start)}"></button>`,
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
      return html`<q class="ex">${excerpt.slice(0, at)}<mark>${matched}</mark>${excerpt.slice(at + matched.length)}</q>`;
    }
    return html`<q class="ex">${excerpt}</q>${matched ? html` <span class="kv2">· <mark>${matched}</mark></span>` : ''}`;
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
      html`<div class="frames" title="${m.frames}">${frames.map(
        (x) =>
          html`<a href="${x.url}" target="_blank" rel="noopener"><img src="${x.url}" alt="${m.frames} ${x.p}" loading="lazy"></a>`,
      )}</div>`,
    );
  }
  return html`<li>${parts}</li>`;
}

function findingCard(ctx: Ctx, f: Finding, i: number, compact: boolean): SafeHtml {
  const { m } = ctx;
  const status = statusOf(f);
  const ev = f.evidence.filter((e) => Object.values(e).some((v) => v !== undefined));
  return html`<article class="finding s-${status}${compact ? ' compact' : ''}" id="${ctx.anchor(i)}" data-status="${status}">
<div class="fh"><span class="badge s-${status}">${m.status[status]}</span><span class="badge sev-${f.severity}">${label(m.severity, f.severity)}</span><h3>${f.title}</h3><span class="rid">${f.ruleId}</span><span class="concepts">${f.concepts.map(
    (c) => html`<span class="concept" title="${c}">${label(m.concept, c)}</span>`,
  )}</span></div>
<p class="msg">${f.message}</p>${ev.length ? html`<ul class="ev">${ev.map((e) => evidenceItem(ctx, e))}</ul>` : ''}${
    compact
      ? ''
      : html`<div class="fmeta">${m.confidence} ${finite(f.confidence) ? fmtPercent(f.confidence) : m.unknown} · ${m.category} ${f.category}${f.source ? html` · ${m.source}：${f.source}` : ''}</div>`
  }</article>`;
}

export function findingsSection(ctx: Ctx): SafeHtml {
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
    return html`<details class="group" id="g-${status}"${open ? html` open` : ''}><summary class="s-${status}">${m.status[status]} <span class="n">(${items.length})</span></summary>${items.map(
      (x) => findingCard(ctx, x.f, x.i, compact),
    )}</details>`;
  });
  return html`<section id="findings"><h2>${m.section.findings} <span class="n">(${r.findings.length})</span></h2>${
    r.findings.length === 0 ? html`<p class="muted">${m.noFindings}</p>` : groups
  }</section>`;
}

function firstTime(ctx: Ctx, f: Finding): number {
  const times = f.evidence.map((e) => evidenceTime(ctx, e)?.start).filter(finite);
  return times.length ? Math.min(...times) : Number.MAX_SAFE_INTEGER;
}

// ---------------------------------------------------------------- video and transcript

export function videoBlock(ctx: Ctx, href: string | undefined): SafeHtml | undefined {
  if (!href) return undefined;
  return html`<section class="card" id="player"><video id="video" controls preload="metadata" src="${href}"></video><p class="warn" id="video-error" hidden>${ctx.m.videoMissing}</p></section>`;
}

export function transcriptBlock(ctx: Ctx): SafeHtml {
  const { r, m } = ctx;
  const t = r.transcript;
  const head = html`<h2>${m.section.transcript}${t ? html` <span class="n">(${t.segments.length})</span>` : ''}</h2>`;
  if (!t) {
    return html`<section class="card txcard" id="transcript">${head}<p class="warn" id="transcript-missing">${m.transcriptMissing}：${r.transcriptMissingReason ?? m.reasonUnknown}</p></section>`;
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
      ? html`<details class="diag"><summary>${m.section.diagnostics} (${diags.length})</summary><ul>${diags.map(
          (d) =>
            html`<li>${finite(d.start) ? timeButton(ctx, d.start, finite(d.end) ? d.end : undefined, undefined) : ''} <b>${label(m.diagnosticKind, d.kind)}</b> ${d.message}${d.text ? html` <q class="ex">${d.text}</q>` : ''}</li>`,
        )}</ul></details>`
      : '';
  const lines = ctx.segments.map((s) => {
    const role = s.role;
    const conf = finite(s.confidence) ? ` ${fmtPercent(s.confidence)}` : '';
    const d = dots.get(s.id) ?? [];
    return html`<li id="seg-${s.id}" class="${role ? `r-${role}` : 'r-none'}${s.lowConfidence ? ' low' : ''}">${timeButton(ctx, s.start, undefined, s.id)}<span class="role${role ? ` r-${role}` : ''}" title="${[s.speaker, s.voice, finite(s.roleConfidence) ? fmtPercent(s.roleConfidence) : undefined].filter(Boolean).join(' · ')}">${role ? label(m.role, role) : ''}</span><span><span class="text">${s.text}</span>${
      s.lowConfidence ? html`<span class="lowtag">${m.lowConfidence}${conf}</span>` : ''
    }${
      d.length
        ? html`<span class="dots">${d
            .sort((a, b) => STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status))
            .slice(0, MAX_DOTS)
            .map(
              (x) =>
                html`<a class="dot s-${x.status}" href="#${x.anchor}" title="${m.status[x.status]} · ${x.title}"></a>`,
            )}${d.length > MAX_DOTS ? html`<span class="muted"> +${d.length - MAX_DOTS}</span>` : ''}</span>`
        : ''
    }</span></li>`;
  });
  return html`<section class="card txcard" id="transcript">${head}${diagHtml}${
    t.segments.length === 0 ? html`<p class="warn">${m.transcriptEmpty}</p>` : ''
  }<ol class="tx" id="tx">${lines}</ol></section>`;
}
