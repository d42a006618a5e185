import { describe, expect, it } from 'vitest';
import { normalizeChinese } from '../../src/asr/postprocess.js';

describe('Chinese post-processing', () => {
  it.each([
    [' 請您特別注意保險合同中的責任免除條款,請您仔細閱讀.', '请您特别注意保险合同中的责任免除条款，请您仔细阅读。'],
    ['現金價值 ３．５ 萬元，ＡＢＣ１２３', '现金价值 3.5 万元，ABC123'],
    ['好的, 我 明白 了!', '好的，我明白了！'],
    ['您有十五天的猶豫期?', '您有十五天的犹豫期？'],
    ['保費 3.5萬', '保费 3.5万'],
    ['hello world, ok.', 'hello world, ok.'],
    ['\u3000退保\u3000會有損失\u3000', '退保会有损失'],
  ])('%j → %j', (input, want) => {
    expect(normalizeChinese(input)).toBe(want);
  });
});
