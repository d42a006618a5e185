// Compiled rules: what the loader hands the evaluator.
import type { RE2JS } from 're2js';
import type { Pattern } from '../text/corpus.js';
import type { Lexicon } from '../text/lexicon.js';
import type { RuleSpec } from './schema.js';
import type { SuspectModel } from './suspect/model.js';
import type { ExampleBlock } from './matchers/examples.js';
import type { IdfModel } from '../text/similarity.js';

export interface Keyword {
  /** the word as written in the rule */
  word: string;
  /** alternatives: the word and its lexicon synonyms, normalised */
  alts: Pattern[];
  /** compare by pinyin too; 'auto': for alternatives of 2+ characters */
  pinyin: boolean | 'auto';
  /** 3-character words may also match with one character dropped or inserted (required rules
   *  only: for a prohibited word, "不会少" shrinking to "不少" would be a false alarm) */
  slip3: boolean;
  /** a two-character word matched by sound must keep one of its characters as written (prohibited
   *  words: 包装 sounds like 包赚, 保专 too — a violation needs more than a coincidence of sounds) */
  soundTwoNeedsOne?: boolean;
}

export interface CompiledSlot {
  template: string;
  /** the Han characters written in the template (犹豫期 …): trusted when next to a number */
  literals: string;
  re: RE2JS;
  names: string[];
}

export interface CompiledMatch {
  any?: Keyword[];
  all?: Keyword[];
  atLeast?: { n: number; of: Keyword[] };
  /** sound-class forms (compared with view.canon) */
  none?: string[];
  withinChars: number;
  regex?: RE2JS[];
  exclude?: RE2JS[];
  /** regex / slot / exclude patterns were compiled in sound-class form: run them on view.canon */
  onCanon: boolean;
  script?: Pattern[];
  minCoverage: number;
  /** all / at_least words must share a sentence / clause */
  scope?: 'sentence' | 'clause';
  examples?: ExampleBlock;
  slots?: CompiledSlot[];
  check?: Record<string, { min?: number; max?: number; eq?: number }>;
}

export interface CompiledRule {
  id: string;
  spec: RuleSpec;
  /** file and line the rule was loaded from */
  file: string;
  line: number;
  pack: string;
  /** load order (findings are reported in this order) */
  index: number;
  matches: CompiledMatch[];
  /** `partial`: traces that make a missing required disclosure undetermined */
  partials: CompiledMatch[];
  /** prohibited matches preceded by a negation are not violations */
  negation: boolean;
  /** confirm.accept in sound-class form */
  confirmAccept?: string[];
}

export interface RuleSet {
  /** hash of the pack contents (rules and lexicon) */
  version: string;
  packs: string[];
  /** rules in evaluation order (a rule after the rules its order constraints name) */
  rules: CompiledRule[];
  lexicon: Lexicon;
  /** IDF background of the example matcher (every example and test text of the loaded rules) */
  idf: IdfModel;
  /** suspicion models the rules name (`suspect.model`), by name */
  models: Map<string, SuspectModel>;
  files: string[];
}
