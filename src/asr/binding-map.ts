// smart-whisper's "detail" output (milliseconds, raw token list) → the engine's neutral shape (seconds,
// tokens marked special or not).
import type { EngineSegment, EngineToken } from './engine.js';
import type { BindingSegment } from './options.js';

// whisper.cpp names the control tokens it adds itself "[_EOT_]", "[_TT_150]", "[_LANG_zh]"…;
// converted vocabularies may also carry OpenAI's "<|endoftext|>" spelling.
const SPECIAL_TEXT = /^(\[_[A-Za-z]+_?[^\]]*\]|<\|[^|]*\|>)$/;
/** First control token of the multilingual vocabulary (end of text); text tokens are below it. */
const MULTILINGUAL_EOT = 50257;

export function isSpecialToken(id: number, text: string): boolean {
  return id >= MULTILINGUAL_EOT || SPECIAL_TEXT.test(text);
}

const ms = (v: number) => Math.max(0, v) / 1000;

export function fromBindingSegments(raw: BindingSegment[]): EngineSegment[] {
  return raw.map((s) => ({
    start: ms(s.from),
    end: ms(Math.max(s.from, s.to)),
    text: s.text,
    lang: s.lang,
    tokens: (s.tokens ?? []).map((t): EngineToken => {
      const tok: EngineToken = {
        id: t.id,
        text: t.text,
        p: Math.min(1, Math.max(0, t.p)),
        special: isSpecialToken(t.id, t.text),
      };
      if (t.from !== undefined && t.to !== undefined && t.from >= 0 && t.to >= t.from) {
        tok.start = ms(t.from);
        tok.end = ms(t.to);
      }
      return tok;
    }),
  }));
}
