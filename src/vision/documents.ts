// What an OCR'd frame shows: one of the sales documents the regulation wants shown to the camera, or
// an ID card (公民身份号码 plus an 18-digit number whose check digit is right). Pure text logic.

export type DocumentLabel = '投保提示书' | '保险条款' | '责任免除' | '产品说明书' | '投保单' | '风险提示';

/** Patterns tolerate one dropped or misread character between the key characters (OCR on video). */
const DOCUMENT_PATTERNS: { label: DocumentLabel; re: RegExp }[] = [
  { label: '投保提示书', re: /投保.?提示|提示书/ },
  { label: '责任免除', re: /责任.?免除|免除.?责任|免责.?条款|除外责任/ },
  { label: '保险条款', re: /保险.?条款|条款/ },
  { label: '产品说明书', re: /说明书/ },
  { label: '投保单', re: /投保.?单/ },
  { label: '风险提示', re: /风险.?提示/ },
];

/** The documents named in `text`, most specific first. */
export function classifyDocumentText(text: string): DocumentLabel[] {
  const t = text.replace(/\s+/g, '');
  return DOCUMENT_PATTERNS.filter((p) => p.re.test(t)).map((p) => p.label);
}

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/** GB 11643 check character for the first 17 digits of a resident ID number. */
export function idCheckCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * ID_WEIGHTS[i]!;
  return ID_CHECK[sum % 11]!;
}

/** An 18-character resident ID number with the right check character and a plausible birth date. */
export function validIdNumber(id: string): boolean {
  if (!/^\d{17}[\dX]$/i.test(id)) return false;
  if (idCheckCharacter(id.slice(0, 17)) !== id[17]!.toUpperCase()) return false;
  // a plausible birth date: 19xx/20xx, month 01-12, day 01-31
  const y = Number(id.slice(6, 10));
  const m = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  return y >= 1900 && y <= 2100 && m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

/** Keeps the first 4 and last 4 characters: the birth date (characters 7-14) never shows. */
export function maskIdNumber(id: string): string {
  return id.length <= 8 ? '*'.repeat(id.length) : `${id.slice(0, 4)}${'*'.repeat(id.length - 8)}${id.slice(-4)}`;
}

export interface IdCardMatch {
  /** the number, masked */
  masked: string;
  /** true when the 公民身份号码 caption was read too */
  caption: boolean;
  checksumOk: boolean;
}

// OCR reads O for 0 and l/I for 1 often enough on small print to be worth undoing inside digit runs.
function digitsOnly(s: string): string {
  return s
    .replace(/[Oo]/g, '0')
    .replace(/[lI|]/g, '1')
    .replace(/[^\dXx]/g, '');
}

/**
 * An ID card in OCR text: an 18-character number with a valid check digit, and ideally the
 * 公民身份号码 caption. Returns undefined when neither the caption nor a valid number is there.
 */
export function findIdCard(text: string): IdCardMatch | undefined {
  const flat = text.replace(/\s+/g, '');
  const caption = /公民身份号码|身份号码|居民身份证/.test(flat);
  const runs = flat.match(/[\dXxOolI|]{15,22}/g) ?? [];
  for (const run of runs) {
    const digits = digitsOnly(run).toUpperCase();
    for (let i = 0; i + 18 <= digits.length; i++) {
      const cand = digits.slice(i, i + 18);
      if (validIdNumber(cand)) return { masked: maskIdNumber(cand), caption, checksumOk: true };
    }
  }
  // a caption with an unreadable number is still an ID card shown, with lower confidence
  if (caption) return { masked: '', caption, checksumOk: false };
  return undefined;
}

/** Replaces any 17-digit+check-character run in free text with its masked form (for notes and labels). */
export function maskIdsInText(text: string): string {
  return text.replace(/\d{17}[\dXx]/g, (m) => maskIdNumber(m));
}
