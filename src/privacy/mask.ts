// Personal numbers read aloud in a sale (the customer's ID number, phone, bank card) are masked in
// everything dualrec writes for people to read: report.json, report.html, the review pages and the logs.
// The full text stays only in the original transcript file (and in the private store, which re-scoring
// needs verbatim). Masking is length-preserving — every masked digit becomes one `*` — so times,
// segment ids and the [start, end) spans of matched text still line up with the masked strings.
// What an auditor needs is kept: the last 4 digits, and the fact that a number was said.

/**
 * Characters that stand for one digit. Besides ASCII and full-width digits, transcripts written by
 * people (and some ASR output) spell numbers digit by digit in Chinese: 幺三八… for 138…, 两 for 2,
 * 〇/零 for 0 (these are the readings src/text/numerals.ts reads by value; here they are read by position).
 */
const DIGIT_VALUE: Record<string, string> = {
  零: '0',
  〇: '0',
  一: '1',
  幺: '1',
  二: '2',
  两: '2',
  三: '3',
  四: '4',
  五: '5',
  六: '6',
  七: '7',
  八: '8',
  九: '9',
};
for (let d = 0; d <= 9; d++) {
  DIGIT_VALUE[String(d)] = String(d);
  DIGIT_VALUE[String.fromCharCode(0xff10 + d)] = String(d);
}
const DIGIT_CLASS = '0-9\uff10-\uff19零〇一幺二两三四五六七八九';
/** Spoken or written numbers are grouped: "138 1234 5678", "138-1234-5678", "0755－8888 8888". */
const SEP_CLASS = ' \\-‐–—－\u3000';
/** A run of digits with single separators inside; an ID number may end in X. */
const RUN = new RegExp(`[${DIGIT_CLASS}](?:[${SEP_CLASS}]?[${DIGIT_CLASS}])*(?:[${SEP_CLASS}]?[Xx])?`, 'g');
/** A run glued to Latin letters or digits is part of a code, hash or file name, not a spoken number. */
const WORDISH = /[A-Za-z0-9_]/;

export type PersonalNumberKind = 'id' | 'mobile' | 'landline' | 'bank-card';

/** GB 11643-1999: the 18th character is a mod-11 check over the first 17 digits (X stands for 10). */
export function validIdChecksum(id: string): boolean {
  if (!/^\d{17}[\dX]$/i.test(id)) return false;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(id[i]) * weights[i]!;
  return '10X98765432'[sum % 11] === id[17]!.toUpperCase();
}

/** Luhn (ISO/IEC 7812): bank-card numbers carry it; most 16–19 digit strings that are not cards fail it. */
export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

function validDate(mm: string, dd: string): boolean {
  const m = Number(mm);
  const d = Number(dd);
  return m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

/** What kind of personal number a digit string (ASCII, maybe ending in X) is, if any. */
export function classifyNumber(digits: string): PersonalNumberKind | undefined {
  const n = digits.length;
  // Resident ID, 18 characters: an invalid checksum means it is not an ID number (policy or order
  // numbers of 18 digits exist), so it is left alone.
  if (n === 18 && validIdChecksum(digits)) return 'id';
  if (/[Xx]/.test(digits)) return undefined;
  // The old 15-digit ID (before 1999): 6 region + YYMMDD + 3; no checksum, so the birth date must be a date.
  if (n === 15 && /^[1-9]/.test(digits) && validDate(digits.slice(8, 10), digits.slice(10, 12))) return 'id';
  // Mainland mobile: 11 digits, 13x–19x.
  if (n === 11 && /^1[3-9]/.test(digits)) return 'mobile';
  // Landline with its area code: 010 and 02x are 3 digits, 03xx–09xx are 4; the local number after it
  // has 7–8 digits and never starts with 0 or 1 (an agent's credential number 0200123… is not a phone).
  // Without the area code a 7–8 digit number can't be told from an amount, so it is not touched.
  const area = /^0[12]/.test(digits) ? 3 : /^0[3-9]/.test(digits) ? 4 : 0;
  if (area && (n === area + 7 || n === area + 8) && /[2-9]/.test(digits[area]!)) return 'landline';
  // Bank cards: 16–19 digits with a valid Luhn digit.
  if (n >= 16 && n <= 19 && luhnValid(digits)) return 'bank-card';
  return undefined;
}

interface Span {
  /** offsets in the text */
  from: number;
  to: number;
  /** the ASCII digits of the span */
  digits: string;
  /** text offset of each digit */
  at: number[];
}

/** Digit positions of a run: its ASCII value and where each digit sits in the text. */
function digitsOf(text: string, from: number, to: number): Span {
  const at: number[] = [];
  let digits = '';
  for (let i = from; i < to; i++) {
    const c = text[i]!;
    const v = DIGIT_VALUE[c] ?? (c === 'X' || c === 'x' ? 'X' : undefined);
    if (v !== undefined) {
      digits += v;
      at.push(i);
    }
  }
  return { from, to, digits, at };
}

/** The personal numbers in one string, as spans with their digits. */
function findNumbers(text: string): Array<Span & { kind: PersonalNumberKind }> {
  const found: Array<Span & { kind: PersonalNumberKind }> = [];
  for (const m of text.matchAll(RUN)) {
    if (gluedToCode(text, m.index!, m[0])) continue;
    found.push(
      ...numbersInRun(text, m.index!, m.index! + m[0].length).filter(
        (s) => s.kind !== 'landline' || saidAsLandline(text, s),
      ),
    );
  }
  return found;
}

/** Words that say a phone number follows ("电话", "座机", "联系"…), looked for just before a landline. */
const PHONE_WORDS = /(电话|座机|固话|手机|联系|致电|拨打|拨|打给|热线|tel|phone)/i;

/**
 * The landline shape (0 + area code + 7–8 digits) is the loosest of the patterns: an agent's
 * credential number read out ("执业证号零三零零七六五四三二一") fits it too, and an auditor needs that
 * one whole. So a landline counts only when it is grouped after its area code ("021-6234 5678",
 * "0755 8888 6666") or said after a phone word ("座机02162345678").
 */
function saidAsLandline(text: string, s: Span): boolean {
  const area = /^0[12]/.test(s.digits) ? 3 : 4;
  if (s.at[area]! - s.at[area - 1]! > 1) return true;
  return PHONE_WORDS.test(text.slice(Math.max(0, s.from - 12), s.from));
}

/** "a13812345678f…" inside a hash or a product code: only a Chinese-digit run can still be a spoken number. */
function gluedToCode(text: string, from: number, run: string): boolean {
  const to = from + run.length;
  const glued = (from > 0 && WORDISH.test(text[from - 1]!)) || (to < text.length && WORDISH.test(text[to]!));
  return glued && !/[零〇一幺二两三四五六七八九]/.test(run);
}

/**
 * A run may hold more than one number ("电话 021 1234 5678 13812345678" or an amount before a phone
 * number): when the whole run is not a personal number, its separator-delimited groups are tried,
 * longest first from the left.
 */
function numbersInRun(text: string, from: number, to: number): Array<Span & { kind: PersonalNumberKind }> {
  const whole = digitsOf(text, from, to);
  let kind = classify(whole.digits);
  if (kind) return [{ ...whole, kind }];
  const groups: Array<[number, number]> = [];
  const sep = new RegExp(`[${SEP_CLASS}]`);
  let start = from;
  for (let i = from; i <= to; i++) {
    if (i === to || sep.test(text[i]!)) {
      if (i > start) groups.push([start, i]);
      start = i + 1;
    }
  }
  const out: Array<Span & { kind: PersonalNumberKind }> = [];
  if (groups.length < 2 || groups.length > 64) return out;
  for (let g = 0; g < groups.length;) {
    let matched = 0;
    for (let e = groups.length - 1; e >= g && !matched; e--) {
      if (e === groups.length - 1 && g === 0) continue; // the whole run, tried above
      const span = digitsOf(text, groups[g]![0], groups[e]![1]);
      kind = classify(span.digits);
      if (kind) {
        out.push({ ...span, kind });
        matched = e - g + 1;
      }
    }
    g += matched || 1;
  }
  return out;
}

/** As classifyNumber, and a mobile with the country code (+86 / 0086) in front. */
function classify(digits: string): PersonalNumberKind | undefined {
  const k = classifyNumber(digits);
  if (k) return k;
  const national = /^(?:0086|86)(1[3-9]\d{9})$/.exec(digits);
  return national ? 'mobile' : undefined;
}

const KEEP_LAST = 4;

function maskSpan(chars: string[], span: Span, keepFrom = span.at.length - KEEP_LAST): void {
  span.at.forEach((pos, i) => {
    if (i < keepFrom) chars[pos] = '*';
  });
}

/**
 * Masks every ID-card, mobile, landline and bank-card number in `text`, keeping the last 4 digits:
 * "13812345678" → "*******5678". The result has the same length as the input.
 */
export function maskText(text: string): string {
  if (!text || !/[0-9\uff10-\uff19零〇一幺二两三四五六七八九]/.test(text)) return text;
  const spans = findNumbers(text);
  if (spans.length === 0) return text;
  const chars = text.split('');
  for (const s of spans) maskSpan(chars, s);
  return chars.join('');
}

/** The personal numbers in a text (ASCII digits and kind), e.g. to say that one was read aloud. */
export function personalNumbers(text: string): Array<{ kind: PersonalNumberKind; digits: string }> {
  return findNumbers(text).map((s) => ({ kind: s.kind, digits: s.digits }));
}

/**
 * Masks `text` like maskText, and also pieces of the given known numbers: an evidence excerpt cut
 * out of a transcript line may start or end in the middle of a phone number, which on its own no
 * longer looks like one. A run of 5 or more digits found inside a known number is masked as it sits
 * there (only the number's own last 4 digits stay).
 */
export function maskTextWith(text: string, known: ReadonlySet<string>): string {
  const masked = maskText(text);
  if (known.size === 0) return masked;
  const chars = masked.split('');
  let changed = false;
  for (const m of masked.matchAll(RUN)) {
    if (gluedToCode(masked, m.index!, m[0])) continue;
    const span = digitsOf(masked, m.index!, m.index! + m[0].length);
    if (span.digits.length < 5) continue;
    for (const k of known) {
      const off = k.indexOf(span.digits);
      if (off < 0) continue;
      // digit i of the run is digit off+i of the number; keep it only when it is among the number's last 4
      maskSpan(chars, span, Math.max(0, k.length - KEEP_LAST - off));
      changed = true;
      break;
    }
  }
  return changed ? chars.join('') : masked;
}

/** Walks a JSON-like value and returns a copy with every string passed through `f`. */
export function mapStrings<T>(value: T, f: (s: string) => string): T {
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return f(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = walk(x);
      return out;
    }
    return v;
  };
  return walk(value) as T;
}

/** Every personal number found in any string of a JSON-like value (ASCII digits). */
export function collectNumbers(value: unknown): Set<string> {
  const known = new Set<string>();
  mapStrings(value, (s) => {
    for (const n of personalNumbers(s)) known.add(n.digits.toUpperCase());
    return s;
  });
  return known;
}
