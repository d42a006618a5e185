// Generates the bundled sample recordings in samples/ (see samples/README.md).
//
//   npx tsx scripts/make-samples.ts                 # all samples into samples/
//   npx tsx scripts/make-samples.ts --out DIR       # somewhere else (tests use this)
//   npx tsx scripts/make-samples.ts --only NAME,... # a subset
//
// Speech is espeak-ng's Mandarin voice `cmn-latn-pinyin` fed numbered pinyin (pinyin-pro), one WAV
// per scripted line; lines are joined with fixed gaps and the transcript gets each line's TRUE start
// and end (measured from the samples), so importers and rules see exactly what is in the audio.
// The picture of the two sales samples is what a compliant 双录 camera shows, composed from the photos
// that ship in npm packages and placed on the transcript's true timings (scripts/lib/sample-video.ts):
// agent and customer side by side throughout, the licence / 投保提示书 / 条款 / ID card held up when
// their lines are said, and the customer signing the 投保单 on camera. The truncated sample keeps a
// plain background with the current sales stage drawn in WenQuanYi Micro Hei.
//
// Deterministic: the same script gives byte-identical transcripts, meta and WAVs, and the same video
// frames; the MP4s are identical for the same ffmpeg/x264 build (bitexact flags, single-threaded x264,
// SEI removed, no metadata), but may differ across ffmpeg versions.
//
// This is tooling, not product: it runs ffmpeg and espeak-ng itself (argv arrays, no shell).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { customPinyin, pinyin } from 'pinyin-pro';
import { importTranscript, serializeTranscript } from '../src/asr/import/index.js';
import { SessionMetaSchema, type Segment } from '../src/model/index.js';
import { AUDIO_ENC, BITEXACT, encodeFramesWithAudio } from './lib/encode.js';
import { SAMPLES, type Line, type Sample, type Voice } from './lib/sample-defs.js';
import { composeFrame, loadPieces, planVideo, SAMPLE_VIDEO, type VideoPlan } from './lib/sample-video.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

// ---------------------------------------------------------------------------------------------
// Timing (the voices and the scripted lines are in scripts/lib/sample-defs.ts)

const LEAD_IN_S = 0.8;
const TAIL_S = 1.0;
/** pause between two lines of the same speaker */
const GAP_SAME_S = 0.45;
/** pause when the other party takes the turn */
const GAP_TURN_S = 0.7;
/** espeak pads each utterance with silence: trimmed below this amplitude (about -42 dBFS) */
const TRIM_THRESHOLD = 260;
/** kept around trimmed speech so word onsets are not clipped */
const TRIM_PAD_S = 0.02;

// ---------------------------------------------------------------------------------------------
// Text → numbered pinyin

// Readings pinyin-pro gets wrong in these scripts (为 "be" is wéi, 给付 is jǐfù, 只 "only" is zhǐ, 脏 "organ" is zàng).
customPinyin({ 为零: 'wéi líng', 内为: 'nèi wéi', 给付: 'jǐ fù', 只能: 'zhǐ néng', 只退: 'zhǐ tuì', 心脏: 'xīn zàng' });

const PUNCT: Record<string, string> = {
  '，': ', ',
  '、': ', ',
  '。': '. ',
  '？': '? ',
  '！': '! ',
  '；': '; ',
  '：': ': ',
};

/** Chinese text → "ni3 hao3, ..." for cmn-latn-pinyin; neutral tone is 5; punctuation stays as pauses. */
export function toEspeakPinyin(text: string): string {
  const parts = pinyin(text, { toneType: 'num', type: 'array', v: true, nonZh: 'consecutive' });
  let out = '';
  for (const p of parts) {
    if (/^[a-zü]+[0-5]$/i.test(p)) {
      out += `${p.replace(/0$/, '5')} `;
      continue;
    }
    for (const ch of p) {
      if (PUNCT[ch]) out = `${out.trimEnd()}${PUNCT[ch]}`;
      else if (/\s/.test(ch)) continue;
      else throw new Error(`make-samples: cannot speak "${ch}" in "${text}" (write numbers and symbols in Chinese)`);
    }
  }
  return out.trim();
}

// ---------------------------------------------------------------------------------------------
// WAV handling (16-bit mono PCM, as espeak-ng writes it)

interface Pcm {
  rate: number;
  samples: Int16Array;
}

function readWav(buf: Buffer, what: string): Pcm {
  if (buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE')
    throw new Error(`${what}: not a WAV file`);
  let off = 12;
  let rate = 0;
  while (off + 8 <= buf.length) {
    const id = buf.toString('ascii', off, off + 4);
    const size = buf.readUInt32LE(off + 4);
    const body = off + 8;
    if (id === 'fmt ') {
      const format = buf.readUInt16LE(body);
      const channels = buf.readUInt16LE(body + 2);
      rate = buf.readUInt32LE(body + 4);
      const bits = buf.readUInt16LE(body + 14);
      if (format !== 1 || channels !== 1 || bits !== 16) throw new Error(`${what}: expected 16-bit mono PCM`);
    } else if (id === 'data') {
      // espeak-ng streaming to a file may leave a placeholder size: never read past the end.
      const end = Math.min(buf.length, body + size);
      const samples = new Int16Array(Math.floor((end - body) / 2));
      for (let i = 0; i < samples.length; i++) samples[i] = buf.readInt16LE(body + i * 2);
      if (!rate) throw new Error(`${what}: data before fmt chunk`);
      return { rate, samples };
    }
    off = body + size + (size % 2);
  }
  throw new Error(`${what}: no data chunk`);
}

function wavBytes(pcm: Pcm): Buffer {
  const data = pcm.samples.length * 2;
  const buf = Buffer.alloc(44 + data);
  buf.write('RIFF', 0, 'ascii');
  buf.writeUInt32LE(36 + data, 4);
  buf.write('WAVEfmt ', 8, 'ascii');
  buf.writeUInt32LE(16, 16);
  buf.writeUInt16LE(1, 20);
  buf.writeUInt16LE(1, 22);
  buf.writeUInt32LE(pcm.rate, 24);
  buf.writeUInt32LE(pcm.rate * 2, 28);
  buf.writeUInt16LE(2, 32);
  buf.writeUInt16LE(16, 34);
  buf.write('data', 36, 'ascii');
  buf.writeUInt32LE(data, 40);
  for (let i = 0; i < pcm.samples.length; i++) buf.writeInt16LE(pcm.samples[i], 44 + i * 2);
  return buf;
}

function trimSilence(pcm: Pcm): Int16Array {
  const s = pcm.samples;
  let first = 0;
  while (first < s.length && Math.abs(s[first]) < TRIM_THRESHOLD) first++;
  let last = s.length - 1;
  while (last > first && Math.abs(s[last]) < TRIM_THRESHOLD) last--;
  if (first >= s.length) throw new Error('make-samples: espeak-ng produced silence');
  const pad = Math.round(TRIM_PAD_S * pcm.rate);
  return s.slice(Math.max(0, first - pad), Math.min(s.length, last + 1 + pad));
}

// ---------------------------------------------------------------------------------------------
// Running tools

function run(cmd: string, args: string[]): { stdout: string; stderr: string; status: number } {
  const res = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (res.error) throw new Error(`make-samples: ${cmd} could not run (${res.error.message}); is it installed?`);
  return { stdout: res.stdout, stderr: res.stderr, status: res.status ?? -1 };
}

function mustRun(cmd: string, args: string[], what: string): void {
  const r = run(cmd, args);
  if (r.status !== 0)
    throw new Error(
      `make-samples: ${what} failed (${cmd} exit ${r.status}): ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`,
    );
}

function synth(text: string, voice: Voice, out: string): Pcm {
  mustRun(
    'espeak-ng',
    ['-v', voice.name, '-p', String(voice.pitch), '-s', String(voice.speed), '-w', out, toEspeakPinyin(text)],
    `espeak-ng "${text.slice(0, 12)}…"`,
  );
  const pcm = readWav(readFileSync(out), out);
  return { rate: pcm.rate, samples: trimSilence(pcm) };
}

function fontFile(): string {
  const known = '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc';
  if (existsSync(known)) return known;
  const r = run('fc-match', ['-f', '%{file}', 'WenQuanYi Micro Hei']);
  if (r.status === 0 && r.stdout.trim()) return r.stdout.trim();
  throw new Error('make-samples: font WenQuanYi Micro Hei not found (apt-get install fonts-wqy-microhei)');
}

/** Filter-graph text must not carry quotes, colons, commas or backslashes into drawtext. */
function safeDrawText(s: string): string {
  if (/['\\:,;%[\]]/.test(s))
    throw new Error(`make-samples: stage text "${s}" has characters drawtext would need escaped`);
  return s;
}

/** x264 quality for the composed pictures: small files (< 2 MB with the audio) with text still legible */
const VIDEO_CRF = 30;
/** keyframe every 10 s */
const VIDEO_GOP_S = 10;

interface Placed {
  line: Line;
  start: number;
  end: number;
}

function encodeVideo(
  wav: string,
  out: string,
  durationS: number,
  title: string,
  stages: { text: string; start: number; end: number }[],
): void {
  const font = fontFile();
  const common = `fontfile=${font}:fontcolor=white`;
  const filters = [
    `drawtext=${common}:fontsize=14:x=10:y=10:text='${safeDrawText(title)}'`,
    `drawtext=${common}:fontsize=14:x=w-tw-10:y=h-th-10:text='%{pts\\:hms}'`,
    ...stages.map(
      (s) =>
        `drawtext=${common}:fontsize=30:x=(w-text_w)/2:y=(h-text_h)/2:text='${safeDrawText(s.text)}':enable='between(t,${s.start.toFixed(3)},${s.end.toFixed(3)})'`,
    ),
  ];
  mustRun(
    'ffmpeg',
    [
      '-hide_banner',
      '-loglevel',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      `color=c=0x1f3b57:s=320x240:r=10:d=${durationS.toFixed(3)}`,
      '-i',
      wav,
      '-filter_complex',
      `[0:v]${filters.join(',')}[v]`,
      '-map',
      '[v]',
      '-map',
      '1:a',
      '-c:v',
      'libx264',
      '-preset',
      'medium',
      '-tune',
      'stillimage',
      '-crf',
      '30',
      '-g',
      '100',
      '-pix_fmt',
      'yuv420p',
      '-threads',
      '1',
      '-x264-params',
      'threads=1',
      // x264 writes its version and options into an SEI message: drop SEI so the build does not show.
      '-bsf:v',
      'filter_units=remove_types=6',
      ...AUDIO_ENC,
      ...BITEXACT,
      out,
    ],
    `encoding ${out}`,
  );
}

/** What the camera shows when, from the scripted lines' `show` marks and their times (one per line). */
function videoPlanOf(s: Sample, times: { start: number; end: number }[], durationS: number): VideoPlan {
  return planVideo(
    s.lines.map((l, i) => ({
      who: l.who,
      start: times[i]!.start,
      end: times[i]!.end,
      ...(l.show ? { show: l.show } : {}),
    })),
    durationS,
  );
}

/** The composed picture (scripts/lib/sample-video.ts) on the lines' true timings, with the speech. */
async function encodeComposed(s: Sample, placed: Placed[], wav: string, out: string, durationS: number): Promise<void> {
  const v = s.video!;
  const plan = videoPlanOf(s, placed, durationS);
  const pieces = await loadPieces(v.agent, v.customer, v.cards, fontFile());
  const n = Math.ceil(durationS * SAMPLE_VIDEO.fps);
  const frames = function* () {
    for (let i = 0; i < n; i++) yield composeFrame(pieces, plan, i);
  };
  // the recorder's clock, burnt in (top left, clear of the cards) as 双录 systems do
  const clock = `drawtext=fontfile=${fontFile()}:fontcolor=white:fontsize=10:x=6:y=4:box=1:boxcolor=black@0.4:boxborderw=2:text='%{pts\\:hms}'`;
  await encodeFramesWithAudio(
    out,
    { ...SAMPLE_VIDEO, crf: VIDEO_CRF, gop: VIDEO_GOP_S * SAMPLE_VIDEO.fps, filter: clock },
    frames(),
    wav,
  );
}

function encodeAudioOnly(wav: string, out: string): void {
  mustRun(
    'ffmpeg',
    ['-hide_banner', '-loglevel', 'error', '-y', '-i', wav, '-vn', ...AUDIO_ENC, ...BITEXACT, out],
    `encoding ${out}`,
  );
}

// ---------------------------------------------------------------------------------------------
// Writing one sample

function srtTime(sec: number): string {
  const ms = Math.round(sec * 1000);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(Math.floor(ms / 3_600_000))}:${p(Math.floor((ms % 3_600_000) / 60_000))}:${p(Math.floor((ms % 60_000) / 1000))},${p(ms % 1000, 3)}`;
}

function srtText(segments: Segment[]): string {
  return segments
    .map((s, i) => `${i + 1}\n${srtTime(s.start)} --> ${srtTime(s.end)}\n[${s.speaker}]: ${s.text}\n`)
    .join('\n');
}

const r3 = (x: number) => Math.round(x * 1000) / 1000;

export interface MadeSample {
  name: string;
  files: string[];
  durationS: number;
  segments: number;
  /** agent characters per minute (Chinese characters only), over the agent's lines */
  agentCpm: number;
}

async function makeSample(s: Sample, outDir: string, tmp: string): Promise<MadeSample> {
  // 1. speech, one WAV per line
  const pcms = s.lines.map((l, i) => synth(l.text, s.voices[l.who], join(tmp, `${s.name}-${i}.wav`)));
  const rate = pcms[0].rate;
  if (pcms.some((p) => p.rate !== rate)) throw new Error('make-samples: voices gave different sample rates');

  // 2. timeline: sample-exact placement so transcript times are the audio's own
  const gap = (i: number) => Math.round((s.lines[i].who === s.lines[i - 1].who ? GAP_SAME_S : GAP_TURN_S) * rate);
  let cursor = Math.round(LEAD_IN_S * rate);
  const placed: Placed[] = [];
  const offsets: number[] = [];
  pcms.forEach((p, i) => {
    if (i > 0) cursor += gap(i);
    offsets.push(cursor);
    placed.push({ line: s.lines[i], start: r3(cursor / rate), end: r3((cursor + p.samples.length) / rate) });
    cursor += p.samples.length;
  });
  const total = cursor + Math.round(TAIL_S * rate);
  const mix = new Int16Array(total);
  pcms.forEach((p, i) => mix.set(p.samples, offsets[i]));
  const durationS = total / rate;
  const wav = join(tmp, `${s.name}.wav`);
  writeFileSync(wav, wavBytes({ rate, samples: mix }));

  // 3. picture + encode
  const media = join(outDir, `${s.name}.${s.container}`);
  if (s.container === 'mp4' && s.video) {
    await encodeComposed(s, placed, wav, media, durationS);
  } else if (s.container === 'mp4') {
    const stages: { text: string; start: number; end: number }[] = [];
    for (const p of placed) {
      if (!p.line.stage) continue;
      if (stages.length) stages[stages.length - 1].end = p.start;
      stages.push({ text: p.line.stage, start: p.start, end: durationS });
    }
    encodeVideo(wav, media, durationS, `双录样例 ${s.meta.session_id}`, stages);
  } else {
    encodeAudioOnly(wav, media);
  }
  if (s.truncateTo !== undefined) {
    const bytes = readFileSync(media);
    writeFileSync(media, bytes.subarray(0, Math.floor(bytes.length * s.truncateTo)));
    const probe = run('ffprobe', ['-v', 'error', media]);
    if (probe.status === 0) throw new Error(`make-samples: ${media} still probes after truncation`);
  }

  // 4. sidecars
  const files = [media];
  const meta = SessionMetaSchema.parse(s.meta);
  files.push(writeJson(join(outDir, `${s.name}.meta.json`), meta));
  files.push(
    writeJson(join(outDir, `${s.name}.expected.json`), {
      verdict: s.verdict,
      concepts: s.concepts,
      case: `${s.name}: ${s.why}`.slice(0, 200),
      ...(s.notes ? { notes: s.notes } : {}),
    }),
  );
  const segments: Segment[] = placed.map((p, id) => ({
    id,
    start: p.start,
    end: p.end,
    text: p.line.text,
    speaker: p.line.who,
  }));
  if (s.transcript !== 'none') {
    const file = join(outDir, `${s.name}.transcript.${s.transcript}`);
    writeFileSync(
      file,
      s.transcript === 'json' ? serializeTranscript({ segments, language: 'zh' }) : srtText(segments),
    );
    // read it back through the importer: a sample that does not import is a bug here, not later
    const back = importTranscript(file);
    if (back.segments.length !== segments.length)
      throw new Error(`make-samples: ${file} reads back with ${back.segments.length} segments`);
    files.push(file);
  }

  const agent = placed.filter((p) => p.line.who === 'agent');
  const chars = agent.reduce((n, p) => n + (p.line.text.match(/[\u4e00-\u9fff]/g)?.length ?? 0), 0);
  const secs = agent.reduce((n, p) => n + (p.end - p.start), 0);
  return {
    name: s.name,
    files,
    durationS: r3(durationS),
    segments: segments.length,
    agentCpm: Math.round((chars / secs) * 60),
  };
}

function writeJson(file: string, value: unknown): string {
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
  return file;
}

// ---------------------------------------------------------------------------------------------

export const SAMPLE_NAMES = SAMPLES.map((s) => s.name);

/**
 * The picture plan of a composed-picture sample on the given timeline (the committed transcript's
 * segments, one per scripted line); undefined for the samples with a plain or no picture.
 */
export function sampleVideoPlan(
  name: string,
  segments: Pick<Segment, 'start' | 'end' | 'text'>[],
  durationS: number,
): VideoPlan | undefined {
  const s = SAMPLES.find((x) => x.name === name);
  if (!s?.video) return undefined;
  if (segments.length !== s.lines.length || segments.some((seg, i) => seg.text !== s.lines[i]!.text))
    throw new Error(`make-samples: the segments given are not ${name}'s lines`);
  return videoPlanOf(s, segments, durationS);
}

export async function makeSamples(outDir: string, only?: string[]): Promise<MadeSample[]> {
  const unknown = (only ?? []).filter((n) => !SAMPLE_NAMES.includes(n));
  if (unknown.length)
    throw new Error(`make-samples: unknown sample(s) ${unknown.join(', ')}; known: ${SAMPLE_NAMES.join(', ')}`);
  mkdirSync(outDir, { recursive: true });
  const tmp = mkdtempSync(join(tmpdir(), 'dualrec-samples-'));
  try {
    const made: MadeSample[] = [];
    for (const s of SAMPLES.filter((x) => !only || only.includes(x.name))) made.push(await makeSample(s, outDir, tmp));
    return made;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

async function main(argv: string[]): Promise<void> {
  let out = join(ROOT, 'samples');
  let only: string[] | undefined;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out') out = resolve(argv[++i] ?? '');
    else if (argv[i] === '--only') only = (argv[++i] ?? '').split(',').filter(Boolean);
    else throw new Error(`make-samples: unknown argument ${argv[i]} (use --out DIR, --only NAME,...)`);
  }
  for (const m of await makeSamples(out, only)) {
    const sizes = m.files.map((f) => `${f.slice(out.length + 1)} ${readFileSync(f).length}B`).join(', ');
    console.log(`${m.name}: ${m.durationS}s, ${m.segments} segments, agent ${m.agentCpm} chars/min — ${sizes}`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  });
}
