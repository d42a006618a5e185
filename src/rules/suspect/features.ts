// What the suspicion model sees of a sentence: its characters in ones, twos and threes, and its
// sound-class pairs (so a homophone ASR wrote counts like the word). Words are not segmented: a
// paraphrase keeps many of the same short pieces ("本钱一分不少" / "本金不会少") where a phrase rule
// needs the exact words.

/** Han, Latin letters and digits; everything else breaks n-grams. */
const KEEP = /[\p{Script=Han}a-z0-9]/u;

/** Features of one normalised sentence `norm` with its sound-class form `canon` (same length). */
export function sentenceFeatures(norm: string, canon: string): string[] {
  const out = new Set<string>();
  const n = norm.length;
  for (let i = 0; i < n; i++) {
    if (!KEEP.test(norm[i])) continue;
    let k = 1;
    for (; k <= 3 && i + k <= n && KEEP.test(norm[i + k - 1]); k++) out.add(`${k}${norm.slice(i, i + k)}`);
    if (i + 1 < n && KEEP.test(norm[i + 1])) out.add(`s${canon[i]}${canon[i + 1]}`);
  }
  return [...out];
}
