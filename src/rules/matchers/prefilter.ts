// Speeds up RE2 (a pure-JS NFA) over a 30-minute transcript: from the regex source we derive
// literal strings of which every match must contain at least one, and an upper bound on the
// match length. The regex then runs only on small windows around those literals — or not at
// all when none occurs. Any construct we don't model makes the analysis give up (the regex
// then runs on the whole text), so the filter can only skip text a match cannot be in.

export interface Prefilter {
  /** every match contains one of these (null: no guarantee) */
  literals: string[] | null;
  /** other sets with the same guarantee (each part of a concatenation that must be there): at run
   *  time the set whose literals occur least in the text gives the fewest windows */
  alternatives?: string[][];
  /** longest possible match, in characters (Infinity when unbounded) */
  maxLen: number;
  /** the regex uses anchors / word boundaries: windows would change its meaning */
  anchored: boolean;
}

interface Node {
  req: string[] | null;
  max: number;
  /** every requirement of a concatenation's parts, not only the most selective */
  all?: string[][];
}

class Parser {
  i = 0;
  anchored = false;
  constructor(private readonly s: string) {}

  parseAlt(): Node {
    const branches: Node[] = [this.parseConcat()];
    while (this.s[this.i] === '|') {
      this.i++;
      branches.push(this.parseConcat());
    }
    if (branches.length === 1) return branches[0];
    const req = branches.every((b) => b.req) ? [...new Set(branches.flatMap((b) => b.req!))] : null;
    return { req, max: Math.max(...branches.map((b) => b.max)) };
  }

  parseConcat(): Node {
    const parts: Node[] = [];
    let run = '';
    const flush = (): void => {
      if (run) parts.push({ req: [run], max: run.length });
      run = '';
    };
    while (this.i < this.s.length && this.s[this.i] !== '|' && this.s[this.i] !== ')') {
      const atomStart = this.i;
      let atom = this.parseAtom();
      const q = this.parseQuantifier();
      const isLiteral =
        atom.req !== null &&
        atom.req.length === 1 &&
        atom.req[0].length === 1 &&
        atom.max === 1 &&
        this.s[atomStart] !== '(';
      if (q) {
        atom = q.min === 0 ? { req: null, max: atom.max * q.max } : { req: atom.req, max: atom.max * q.max };
        flush();
        parts.push(atom);
      } else if (isLiteral) {
        run += atom.req![0];
      } else {
        flush();
        parts.push(atom);
      }
    }
    flush();
    const withReq = parts.filter((p) => p.req);
    // the most selective requirement: the one whose shortest literal is longest
    const best = withReq.sort(
      (a, b) => Math.min(...b.req!.map((x) => x.length)) - Math.min(...a.req!.map((x) => x.length)),
    )[0];
    return { req: best ? best.req : null, max: parts.reduce((n, p) => n + p.max, 0), all: withReq.map((p) => p.req!) };
  }

  parseQuantifier(): { min: number; max: number } | undefined {
    const c = this.s[this.i];
    let q: { min: number; max: number } | undefined;
    if (c === '?') q = { min: 0, max: 1 };
    else if (c === '*') q = { min: 0, max: Infinity };
    else if (c === '+') q = { min: 1, max: Infinity };
    else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.s.slice(this.i));
      if (!m) return undefined;
      this.i += m[0].length - 1;
      q = { min: Number(m[1]), max: m[2] === undefined ? Number(m[1]) : m[3] === '' ? Infinity : Number(m[3]) };
    }
    if (!q) return undefined;
    this.i++;
    if (this.s[this.i] === '?') this.i++; // lazy
    return q;
  }

  parseAtom(): Node {
    const c = this.s[this.i];
    if (c === '(') {
      this.i++;
      if (this.s[this.i] === '?') {
        const m = /^\?(P?<[^>]+>|:|[imsU-]+:)/.exec(this.s.slice(this.i));
        if (!m) throw new Error('unsupported group');
        this.i += m[0].length;
      }
      const inner = this.parseAlt();
      if (this.s[this.i] !== ')') throw new Error('unbalanced');
      this.i++;
      return inner;
    }
    if (c === '[') {
      // a class: skip to its end ("]" right after "[" or "[^" is a literal member)
      let j = this.i + 1;
      if (this.s[j] === '^') j++;
      if (this.s[j] === ']') j++;
      while (j < this.s.length && this.s[j] !== ']') j += this.s[j] === '\\' ? 2 : 1;
      this.i = j + 1;
      return { req: null, max: 1 };
    }
    if (c === '\\') {
      const e = this.s[this.i + 1];
      this.i += 2;
      if ('bBAz'.includes(e)) {
        this.anchored = true;
        return { req: null, max: 0 };
      }
      if ('pP'.includes(e) && this.s[this.i] === '{') this.i = this.s.indexOf('}', this.i) + 1;
      // an escaped punctuation character is itself
      if (/[^\w]/.test(e)) return { req: [e], max: 1 };
      return { req: null, max: 1 };
    }
    if (c === '^' || c === '$') {
      this.i++;
      this.anchored = true;
      return { req: null, max: 0 };
    }
    this.i++;
    if (c === '.') return { req: null, max: 1 };
    return { req: [c], max: 1 };
  }
}

export function analyzeRegex(source: string): Prefilter {
  try {
    const p = new Parser(source);
    const n = p.parseAlt();
    if (p.i !== source.length) return { literals: null, maxLen: Infinity, anchored: true };
    return {
      literals: n.req,
      maxLen: n.max,
      anchored: p.anchored,
      alternatives: n.all && n.all.length > 1 ? n.all : undefined,
    };
  } catch {
    return { literals: null, maxLen: Infinity, anchored: true };
  }
}

/**
 * Windows [start, end) of `text` that can hold a match; undefined means "the whole text".
 * An empty list means no match is possible.
 */
// Literal positions per searched text: the rules of one session share their literals, so each
// is looked up once per transcript view. evaluateRules clears it per session.
const positionCache = new Map<string, Map<string, number[]>>();
export function resetPrefilterCache(): void {
  positionCache.clear();
  charIndex.clear();
}
// Per text, where each character occurs: a literal's candidates are the places of its rarest
// character, checked with startsWith — cheaper than one indexOf scan of the whole text per literal.
const charIndex = new Map<string, Map<string, number[]>>();
function charsOf(text: string): Map<string, number[]> {
  let m = charIndex.get(text);
  if (!m) {
    if (charIndex.size >= 8) charIndex.clear();
    m = new Map();
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      const l = m.get(c);
      if (l) l.push(i);
      else m.set(c, [i]);
    }
    charIndex.set(text, m);
  }
  return m;
}

function positionsOf(text: string, lit: string): number[] {
  let perText = positionCache.get(text);
  if (!perText) {
    if (positionCache.size >= 8) positionCache.clear();
    perText = new Map();
    positionCache.set(text, perText);
  }
  let ps = perText.get(lit);
  if (!ps) {
    ps = [];
    const idx = charsOf(text);
    let best = -1;
    let cands: number[] | undefined;
    for (let k = 0; k < lit.length; k++) {
      const l = idx.get(lit[k]) ?? [];
      if (!cands || l.length < cands.length) {
        cands = l;
        best = k;
      }
    }
    for (const p of cands ?? []) {
      const s = p - best;
      if (s >= 0 && text.startsWith(lit, s)) ps.push(s);
    }
    perText.set(lit, ps);
  }
  return ps;
}

export function candidateWindows(text: string, pf: Prefilter): [number, number][] | undefined {
  if (!pf.literals || pf.anchored) return undefined;
  if (pf.alternatives) {
    // the rarest requirement in this text: "(这些|一些)(情况|情形).{0,40}(不赔|…)" looks around 不赔, not 这些
    let best = pf.literals;
    let bestCount = Infinity;
    for (const set of pf.alternatives) {
      let n = 0;
      for (const lit of set) n += positionsOf(text, lit).length;
      if (n < bestCount) {
        bestCount = n;
        best = set;
      }
    }
    if (best !== pf.literals) pf = { ...pf, literals: best, alternatives: undefined };
    if (!pf.literals) return undefined;
  }
  if (!Number.isFinite(pf.maxLen)) return pf.literals.some((l) => positionsOf(text, l).length > 0) ? undefined : [];
  const hits: [number, number][] = [];
  // once the windows would cover most of the text anyway, searching it whole is cheaper
  const enough = Math.max(8, text.length / (4 * (pf.maxLen + 1)));
  for (const lit of pf.literals) {
    const ps = positionsOf(text, lit);
    if (hits.length + ps.length > enough) return undefined;
    for (const i of ps) hits.push([i, i + lit.length]);
  }
  if (!hits.length) return [];
  const reach = pf.maxLen;
  hits.sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [a, b] of hits) {
    const s = Math.max(0, a - reach);
    const e = Math.min(text.length, b + reach);
    const last = out[out.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}
