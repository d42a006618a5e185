// The review pages' stylesheet and script, served from /static/ so the pages' CSP can forbid
// inline script entirely. The script reads only data-* attributes and the JSON data block; it
// writes text with textContent, never as markup.

export const REVIEW_CSS = `
*{box-sizing:border-box}
body{font-family:"WenQuanYi Micro Hei","Noto Sans CJK SC","PingFang SC",sans-serif;margin:0;color:#1d2433;background:#f6f7fa}
header.bar{display:flex;gap:1rem;align-items:center;padding:.6rem 1.2rem;background:#1d2433;color:#fff}
header.bar a{color:#fff}
header.bar .who{margin-left:auto;font-size:.85rem}
header.bar form{display:inline}
main{padding:1rem 1.2rem;max-width:1400px;margin:0 auto}
h1{font-size:1.3rem;margin:.2rem 0 .6rem}
h2{font-size:1.05rem;margin:1rem 0 .4rem}
table{border-collapse:collapse;width:100%;background:#fff;font-size:.9rem}
th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #e3e6ec;vertical-align:top}
th{background:#eef1f6}
.v{font-weight:700}.v-FAIL{color:#b3261e}.v-REVIEW{color:#a15c00}.v-PASS{color:#1e7b34}
.muted{color:#5b6475;font-size:.85rem}
.tabs a{margin-right:1rem}
.tabs a[aria-current]{font-weight:700;text-decoration:none}
.cols{display:grid;grid-template-columns:minmax(0,3fr) minmax(320px,2fr);gap:1rem;align-items:start}
.card{background:#fff;border:1px solid #e3e6ec;border-radius:6px;padding:.8rem;margin-bottom:.8rem}
.finding .head{display:flex;gap:.5rem;align-items:baseline;flex-wrap:wrap}
.st{font-size:.75rem;font-weight:700;padding:.1rem .4rem;border-radius:3px;background:#eee}
.st-fail{background:#fbe4e2;color:#b3261e}.st-undetermined{background:#fff1d6;color:#8a4f00}.st-pass{background:#e1f3e5;color:#1e7b34}
.ev{margin:.3rem 0;padding-left:.6rem;border-left:3px solid #d7dbe3;font-size:.88rem}
button.seek{cursor:pointer;border:1px solid #3a6ee8;background:#eef3ff;color:#1d3f99;border-radius:3px;font-size:.8rem;padding:.05rem .4rem}
form.decide{display:flex;flex-wrap:wrap;gap:.4rem;align-items:flex-start;margin-top:.5rem}
form.decide textarea{flex:1 1 16rem;min-height:2.2rem}
.history{font-size:.82rem;margin:.4rem 0 0;padding-left:1.1rem}
.history .old{text-decoration:line-through;color:#7a8190}
.decision{font-weight:700}
video{width:100%;background:#000;border-radius:4px}
.sticky{position:sticky;top:.5rem}
.tx{max-height:45vh;overflow:auto;font-size:.85rem}
.tx p{margin:.15rem 0}
.warn{background:#fff1d6;border:1px solid #e8b64c;padding:.5rem;border-radius:4px}
.err{color:#b3261e}
.login{max-width:26rem;margin:4rem auto;background:#fff;padding:1.5rem;border-radius:8px;border:1px solid #e3e6ec}
.login label{display:block;margin:.6rem 0}
.login input{width:100%;padding:.4rem}
`;

export const REVIEW_JS = `
(function () {
  'use strict';
  var dataEl = document.getElementById('review-data');
  var data = dataEl ? JSON.parse(dataEl.textContent || '{}') : {};
  var video = document.getElementById('video');

  function seek(t) {
    if (!video || !isFinite(t)) return;
    var go = function () {
      video.currentTime = t;
      var p = video.play();
      if (p && p.catch) p.catch(function () {});
    };
    if (video.readyState >= 1) go(); else video.addEventListener('loadedmetadata', go, { once: true });
  }

  document.addEventListener('click', function (e) {
    var el = e.target && e.target.closest ? e.target.closest('[data-t]') : null;
    if (!el) return;
    e.preventDefault();
    seek(Number(el.getAttribute('data-t')));
  });

  var start = new URLSearchParams(location.search).get('t');
  if (start !== null) seek(Number(start));

  Array.prototype.forEach.call(document.querySelectorAll('form.decide'), function (form) {
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      var status = form.querySelector('.status');
      var body = { runId: data.runId, decision: form.elements.namedItem('decision').value, comment: form.elements.namedItem('comment').value };
      var idx = form.getAttribute('data-finding');
      if (idx !== null && idx !== '') body.findingIdx = Number(idx);
      status.textContent = '…';
      fetch('/api/sessions/' + encodeURIComponent(data.key) + '/decisions', {
        method: 'POST', credentials: 'same-origin',
        headers: { 'content-type': 'application/json' }, body: JSON.stringify(body)
      }).then(function (res) {
        return res.json().catch(function () { return {}; }).then(function (j) {
          if (res.ok) { status.textContent = '已记录 saved'; location.reload(); }
          else status.textContent = (j && j.error) ? String(j.error) : ('HTTP ' + res.status);
        });
      }).catch(function (err) { status.textContent = String(err); });
    });
  });
})();
`;
