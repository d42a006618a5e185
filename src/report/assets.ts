// The report page's inline CSS and JS. Both are constants (no report data inside), so the
// page's Content-Security-Policy can allow exactly this script by its hash.
import { createHash } from 'node:crypto';

export const STYLE = `
:root{--fail:#c62828;--fail-bg:#fdecea;--und:#b26a00;--und-bg:#fff3dc;--pass:#2e7d32;--pass-bg:#e8f5e9;--na:#6b7280;--na-bg:#f0f1f3;
--agent:#1565c0;--agent-bg:#e6effa;--cust:#8e24aa;--cust-bg:#f6eafa;--unk:#616161;--unk-bg:#ececec;--line:#e2e4e8;--muted:#6b7280;--lw:84px}
*{box-sizing:border-box}
body{margin:0;font:14px/1.5 system-ui,-apple-system,"PingFang SC","Microsoft YaHei","WenQuanYi Micro Hei","Noto Sans CJK SC",sans-serif;color:#1f2328;background:#f5f6f8}
main{max-width:1480px;margin:0 auto;padding:10px 16px 28px}
h1{font-size:17px;margin:0}
h2{font-size:13.5px;margin:0 0 6px;color:#374151;font-weight:650}
h2 .n{color:var(--muted);font-weight:400}
.top{display:flex;flex-wrap:wrap;gap:2px 14px;align-items:baseline;margin-bottom:8px}
.top .ids{color:var(--muted);font-size:12.5px;overflow-wrap:anywhere}
.top .ids b{color:#1f2328}
.card{background:#fff;border:1px solid var(--line);border-radius:8px;padding:9px 12px}
.verdict{display:grid;grid-template-columns:auto 1fr auto;gap:6px 18px;align-items:start;border:1px solid;border-left-width:8px;border-radius:8px;padding:10px 16px;margin-bottom:10px}
.v-FAIL{background:var(--fail-bg);border-color:var(--fail);color:#7f1d1d}
.v-REVIEW{background:var(--und-bg);border-color:var(--und);color:#6b3d00}
.v-PASS{background:var(--pass-bg);border-color:var(--pass);color:#1b4d20}
.v-word{font-size:26px;font-weight:750;line-height:1.15;white-space:nowrap}
.v-sub{font-size:12px;opacity:.85;white-space:nowrap}
.reasons{margin:2px 0 0;padding-left:18px;color:#1f2328}
.reasons li{margin:1px 0}
.counts{display:flex;flex-direction:column;gap:3px;align-items:stretch}
.chip{display:flex;justify-content:space-between;gap:10px;padding:0 8px;border-radius:10px;font-size:12.5px;text-decoration:none;white-space:nowrap}
.badge.s-fail,.chip.s-fail{color:var(--fail);background:var(--fail-bg)}.badge.s-undetermined,.chip.s-undetermined{color:var(--und);background:var(--und-bg)}
.badge.s-pass,.chip.s-pass{color:var(--pass);background:var(--pass-bg)}.badge.s-not_applicable,.chip.s-not_applicable{color:var(--na);background:var(--na-bg)}
summary.s-fail{color:var(--fail)}summary.s-undetermined{color:var(--und)}summary.s-pass{color:var(--pass)}summary.s-not_applicable{color:var(--na)}
.errorbox{background:#fff;border:2px solid var(--fail);border-radius:8px;padding:10px 14px;margin-bottom:10px}
.errorbox h2{color:var(--fail);font-size:15px;margin-bottom:2px}
.errorbox p{margin:0;white-space:pre-wrap;overflow-wrap:anywhere}
.facts{display:grid;grid-template-columns:repeat(auto-fit,minmax(290px,1fr));gap:10px;margin-bottom:10px}
dl.kv{display:grid;grid-template-columns:max-content 1fr;gap:1px 12px;margin:0;font-size:13px}
dl.kv dt{color:var(--muted)}
dl.kv dd{margin:0;overflow-wrap:anywhere}
.mono{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px}
.warn{background:var(--und-bg);color:#6b3d00;border-left:4px solid var(--und);padding:5px 8px;border-radius:4px;margin:6px 0 0;font-size:12.5px}
.muted{color:var(--muted)}
ul.issues{list-style:none;margin:0;padding:0;font-size:13px}
ul.issues li{margin:2px 0}
.badge{display:inline-block;font-size:11.5px;line-height:1.5;padding:0 6px;border-radius:3px;font-weight:600;white-space:nowrap}
.sev-critical{color:#fff;background:#b71c1c}.sev-major{color:#fff;background:#d84315}.sev-minor{color:#37474f;background:#e3e7ea}.sev-info{color:#546e7a;background:#eef1f3}
.timeline{margin-bottom:10px}
.tl{position:relative;user-select:none}
.lane{display:grid;grid-template-columns:var(--lw) 1fr;align-items:center;height:15px;margin:3px 0}
.lane.tall{height:19px}
.lname{font-size:11.5px;color:var(--muted);white-space:nowrap;overflow:hidden;text-overflow:ellipsis;padding-right:6px}
.track{position:relative;height:100%;background:#f1f2f4;border-radius:2px}
.track.seekable{cursor:pointer}
.track>*{position:absolute;top:0;bottom:0;min-width:2px}
.sp{border-radius:1px}
.sp.r-agent{background:#8db4e6}.sp.r-customer{background:#cf9be0}.sp.r-unknown,.sp.r-none{background:#b9bec6}
.sp.low{background-image:repeating-linear-gradient(135deg,rgba(255,255,255,.75) 0 2px,transparent 2px 5px)}
.sil{background:#c4c9d1}
.ovl{background:#ff8a65}.tpv{background:repeating-linear-gradient(45deg,#e65100 0 3px,#ffcc80 3px 6px)}
.blk{background:#26282c}.qlt{background:repeating-linear-gradient(-45deg,#c98a2b 0 3px,#f1d7a8 3px 6px)}.qlt.q-minor{opacity:.55}.frz{background:repeating-linear-gradient(45deg,#6f83a3 0 3px,#b9c6da 3px 6px)}
.cut{width:2px;min-width:2px;background:#795548}
.ve{background:#b2dfdb;border-radius:2px;opacity:.9}.ve.k-covered,.ve.k-customer-left,.ve.k-third-face{background:#ffab91}
.fc0{background:#ef9a9a}.fc1{background:#ffe082}.fc2{background:#a5d6a7}.fc3{background:#ffab91}
button.fm{border:0;padding:0;margin:0;border-radius:2px;min-width:6px;cursor:pointer;top:1px;bottom:1px;box-shadow:0 0 0 1px #fff}
button.fm.s-fail{background:var(--fail)}button.fm.s-undetermined{background:#f0a020}button.fm.s-pass{background:#66bb6a}button.fm.s-not_applicable{background:#b0b5bc}
button.fm:focus-visible,button.t:focus-visible{outline:2px solid #0b57d0;outline-offset:1px}
.axis{height:14px}.axis .track{background:none}
.tick{font-size:10.5px;color:var(--muted);transform:translateX(-50%);line-height:14px;background:none;min-width:0}
.tick:first-child{transform:none}
.playhead{position:absolute;top:0;bottom:0;width:2px;margin-left:-1px;background:#d32f2f;pointer-events:none;left:var(--lw)}
.legend{display:flex;flex-wrap:wrap;gap:2px 12px;font-size:11.5px;color:var(--muted);margin-top:4px;padding-left:var(--lw)}
.legend i{display:inline-block;width:10px;height:10px;border-radius:2px;vertical-align:-1px;margin-right:3px}
.cols{display:grid;grid-template-columns:minmax(0,1.2fr) minmax(0,1fr);gap:10px;align-items:start}
.side{position:sticky;top:8px;max-height:calc(100vh - 16px);display:flex;flex-direction:column;gap:10px}
@media (max-width:1000px){.cols{grid-template-columns:1fr}.side{position:static;max-height:none}.side ol.tx{max-height:70vh}}
video{display:block;width:100%;max-height:30vh;background:#000;border-radius:6px}
.txcard{display:flex;flex-direction:column;flex:1 1 auto;min-height:0}
ol.tx{list-style:none;margin:0;padding:0;overflow:auto;position:relative;flex:1 1 auto;min-height:80px}
ol.tx li{display:grid;grid-template-columns:42px 34px 1fr;gap:6px;padding:2px 6px 2px 4px;border-left:3px solid transparent;border-radius:3px;align-items:baseline;font-size:13.5px}
.lang-en ol.tx li{grid-template-columns:42px 62px 1fr}
ol.tx li.r-agent{border-left-color:var(--agent)}ol.tx li.r-customer{border-left-color:var(--cust)}ol.tx li.r-unknown{border-left-color:#9e9e9e}
ol.tx li.now{background:#eef5ff}
ol.tx li.active{background:#fff3b0}
ol.tx li.flash{animation:flash 1.4s ease-out}
@keyframes flash{0%{background:#ffd54f}100%{background:#fff3b0}}
.role{font-size:11px;line-height:1.6;text-align:center;border-radius:3px}
.role.r-agent{color:var(--agent);background:var(--agent-bg)}.role.r-customer{color:var(--cust);background:var(--cust-bg)}.role.r-unknown{color:var(--unk);background:var(--unk-bg)}
.low .text{color:#6b7280;text-decoration:underline dotted #a0a4ab;text-underline-offset:3px}
.lowtag{font-size:11px;color:#8a5a00;background:var(--und-bg);border-radius:3px;padding:0 4px;margin-left:4px;white-space:nowrap}
.dots{margin-left:4px;white-space:nowrap}
.dot{display:inline-block;width:8px;height:8px;border-radius:50%;margin-left:2px;vertical-align:1px}
.dot.s-fail{background:var(--fail)}.dot.s-undetermined{background:#f0a020}.dot.s-pass{background:#66bb6a}.dot.s-not_applicable{background:#b0b5bc}
button.t{font:12px/1.5 ui-monospace,Menlo,Consolas,monospace;color:#0b57d0;background:none;border:0;padding:0;cursor:pointer;text-align:left;white-space:nowrap}
button.t:hover{text-decoration:underline}
span.t{font:12px/1.5 ui-monospace,Menlo,Consolas,monospace;color:var(--muted)}
details.group{margin:0 0 6px}
details.group>summary{cursor:pointer;font-weight:650;font-size:13.5px;padding:3px 2px;list-style-position:inside}
details.group>summary .n{font-weight:400}
.finding{background:#fff;border:1px solid var(--line);border-left:4px solid var(--na);border-radius:6px;padding:6px 10px;margin:5px 0}
.finding.s-fail{border-left-color:var(--fail)}.finding.s-undetermined{border-left-color:var(--und)}.finding.s-pass{border-left-color:var(--pass)}
.finding.flash{animation:flashcard 1.4s ease-out}
@keyframes flashcard{0%{box-shadow:0 0 0 3px #ffd54f}100%{box-shadow:none}}
.fh{display:flex;flex-wrap:wrap;gap:4px 8px;align-items:baseline}
.fh h3{font-size:14px;margin:0;font-weight:650}
.rid{font:11.5px ui-monospace,Menlo,Consolas,monospace;color:var(--muted)}
.concepts{display:inline-flex;flex-wrap:wrap;gap:3px}
.concept{font-size:11px;border:1px solid #cfd6dc;color:#455a64;border-radius:9px;padding:0 6px;white-space:nowrap}
.msg{margin:2px 0 0}
ul.ev{margin:3px 0 0;padding:0;list-style:none}
ul.ev li{padding:1px 0 1px 8px;border-left:2px solid #e5e7eb;margin:3px 0;font-size:13px}
q.ex{quotes:"「" "」"}
mark{background:#ffe08a;border-radius:2px;padding:0 1px}
.s-fail mark,.finding.s-fail mark{background:#ffc4bd}
.kv2{color:var(--muted);margin-left:6px;white-space:nowrap}
.miss{color:#7f1d1d}
.frames{display:flex;flex-wrap:wrap;gap:4px;margin-top:3px}
.frames img{height:60px;border:1px solid #cfd3d8;border-radius:3px;display:block}
.fmeta{color:var(--muted);font-size:12px;margin-top:2px}
.finding.compact{padding:3px 10px}
.finding.compact .msg{display:inline;margin-left:4px;color:#374151}
.finding.compact .fh{display:inline-flex}
.finding.compact ul.ev li{font-size:12.5px}
.diag{font-size:12.5px;margin:0 0 6px}
.diag ul{margin:2px 0;padding-left:18px}
.note{color:var(--muted);font-size:12.5px}
footer{color:var(--muted);font-size:12px;margin-top:14px}
@media print{.side{position:static;max-height:none}ol.tx{overflow:visible}video{display:none}body{background:#fff}}
`;

// Plain ES2017 without modules: it runs from file:// too. Reads only data-* attributes and the
// JSON data block; writes only classes, scroll positions and video.currentTime.
export const SCRIPT = `
(function () {
  'use strict';
  var dataEl = document.getElementById('dualrec-data');
  var data = dataEl ? JSON.parse(dataEl.textContent || '{}') : {};
  var segs = data.segments || [];
  var dur = data.duration || 0;
  var video = document.getElementById('video');
  var tx = document.getElementById('tx');
  var tl = document.querySelector('.tl');
  var playhead = document.getElementById('playhead');
  var active = null, now = null;

  function segAt(t) {
    var lo = 0, hi = segs.length - 1, best = -1;
    while (lo <= hi) { var mid = (lo + hi) >> 1; if (segs[mid][1] <= t + 0.05) { best = mid; lo = mid + 1; } else hi = mid - 1; }
    return best >= 0 ? segs[best][0] : (segs.length ? segs[0][0] : null);
  }
  function scrollIntoBox(li) {
    // Centre the line in the transcript box, then make sure the box shows it on screen too
    // (the box may start below the fold before the side column becomes sticky).
    if (tx && tx.scrollHeight > tx.clientHeight + 1) tx.scrollTop = li.offsetTop - tx.clientHeight / 2 + li.offsetHeight / 2;
    var r = li.getBoundingClientRect();
    if (r.top < 0 || r.bottom > window.innerHeight) li.scrollIntoView({ block: 'center' });
  }
  function showSeg(id) {
    var li = document.getElementById('seg-' + id);
    if (!li) return;
    if (active) active.classList.remove('active', 'flash');
    active = li;
    li.classList.add('active');
    void li.offsetWidth;
    li.classList.add('flash');
    scrollIntoBox(li);
  }
  function seek(t) {
    if (!video) return;
    try { video.currentTime = t; } catch (e) { /* not seekable yet */ }
  }
  function go(t, seg) {
    if (seg === undefined || seg === null || seg === '') seg = segAt(t);
    if (seg !== null) showSeg(seg);
    seek(t);
    movePlayhead(t);
  }
  function movePlayhead(t) {
    if (!playhead || !(dur > 0)) return;
    var f = Math.min(1, Math.max(0, t / dur));
    playhead.hidden = false;
    playhead.style.left = 'calc(var(--lw) + (100% - var(--lw)) * ' + f.toFixed(5) + ')';
  }
  function openFinding(id) {
    var card = document.getElementById(id);
    if (!card) return;
    var d = card.closest('details');
    if (d) d.open = true;
    card.classList.remove('flash');
    void card.offsetWidth;
    card.classList.add('flash');
  }

  document.addEventListener('click', function (e) {
    var el = e.target.closest ? e.target.closest('[data-t]') : null;
    if (el) {
      e.preventDefault();
      go(parseFloat(el.getAttribute('data-t')) || 0, el.getAttribute('data-seg'));
      return;
    }
    var a = e.target.closest ? e.target.closest('a[href^="#f-"]') : null;
    if (a) { openFinding(a.getAttribute('href').slice(1)); return; }
    var track = e.target.closest ? e.target.closest('.track.seekable') : null;
    if (track && dur > 0) {
      var r = track.getBoundingClientRect();
      go(Math.max(0, Math.min(1, (e.clientX - r.left) / r.width)) * dur, null);
    }
  });

  if (video) {
    video.addEventListener('timeupdate', function () {
      movePlayhead(video.currentTime);
      var id = segAt(video.currentTime);
      var li = id === null ? null : document.getElementById('seg-' + id);
      if (li !== now) {
        if (now) now.classList.remove('now');
        now = li;
        if (li) {
          li.classList.add('now');
          if (!video.paused && tx && tx.scrollHeight > tx.clientHeight + 1) {
            var top = li.offsetTop, bottom = top + li.offsetHeight;
            if (top < tx.scrollTop || bottom > tx.scrollTop + tx.clientHeight) tx.scrollTop = top - tx.clientHeight / 3;
          }
        }
      }
    });
    video.addEventListener('error', function () {
      var msg = document.getElementById('video-error');
      if (msg) msg.hidden = false;
    });
  }
  if (location.hash && location.hash.indexOf('#f-') === 0) openFinding(location.hash.slice(1));
})();
`;

/** CSP source for the inline script, so nothing else can run even if some text escaped. */
export const SCRIPT_CSP_HASH = `'sha256-${createHash('sha256').update(SCRIPT).digest('base64')}'`;
