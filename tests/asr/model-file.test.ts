// The JS-side model check that keeps broken files away from whisper.cpp's native loader.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inspectModelFile } from '../../src/asr/model-file.js';
import { emptyGgmlModelBytes, TINY_HPARAMS, writeEmptyGgmlModel } from '../fixtures/ggml-empty.js';

const dir = mkdtempSync(join(tmpdir(), 'dualrec-asr-mf-'));

function variant(name: string, mutate: (b: Buffer) => Buffer): string {
  const p = join(dir, name);
  writeFileSync(p, mutate(Buffer.from(emptyGgmlModelBytes())));
  return p;
}

describe('inspectModelFile', () => {
  it('reads the weight-less fixture as a tiny multilingual model with no tensors', () => {
    const r = inspectModelFile(writeEmptyGgmlModel(join(dir, 'ggml-empty.bin')));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.info.type).toBe('tiny');
    expect(r.info.multilingual).toBe(true);
    expect(r.info.weightless).toBe(true);
    expect(r.info.vocabEntries).toBe(TINY_HPARAMS.nVocab);
    expect(r.info.header.nMels).toBe(80);
  });

  it('sees tensor data after the vocabulary as not weight-less, and garbage there as broken', () => {
    const tensorHead = Buffer.alloc(12);
    tensorHead.writeInt32LE(2, 0); // n_dims
    tensorHead.writeInt32LE(20, 4); // name length
    tensorHead.writeInt32LE(1, 8); // type
    const withTensor = variant('with-tensor.bin', (b) => Buffer.concat([b, tensorHead, Buffer.alloc(64)]));
    const r = inspectModelFile(withTensor);
    expect(r.ok && r.info.weightless).toBe(false);
    const garbage = variant('garbage-tail.bin', (b) => Buffer.concat([b, Buffer.from('not a tensor header at all')]));
    expect(inspectModelFile(garbage)).toEqual({
      ok: false,
      problem: 'the data after the vocabulary is not a ggml tensor',
    });
  });

  it.each([
    ['bad magic', (b: Buffer) => (b.write('GGUF', 0), b), /bad magic/],
    ['unknown ftype', (b: Buffer) => (b.writeInt32LE(99, 44), b), /unsupported ftype 99/],
    ['text/audio state mismatch', (b: Buffer) => (b.writeInt32LE(768, 28), b), /n_text_state 768 differs/],
    [
      'truncated vocabulary',
      (b: Buffer) => b.subarray(0, b.length - 100),
      /truncated: the file ends inside the vocabulary/,
    ],
    ['truncated header', (b: Buffer) => b.subarray(0, 30), /too small/],
    [
      'huge vocab entry',
      (b: Buffer) => (b.writeUInt32LE(0x7fffffff, 48 + 8 + 80 * 201 * 4 + 4), b),
      /claims \d+ bytes/,
    ],
    ['mel count mismatch', (b: Buffer) => (b.writeInt32LE(128, 48), b), /mel filter count 128 differs/],
  ])('rejects a model with %s', (_name, mutate, problem) => {
    const r = inspectModelFile(variant(`${_name.replace(/\W/g, '-')}.bin`, mutate));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problem).toMatch(problem);
  });

  it('rejects a vocabulary without the " " token whisper.cpp needs', () => {
    // byte 32 is the only single-byte " ": turn it into "!"
    const at = 48 + 8 + 80 * 201 * 4 + 4 + 32 * 5 + 4;
    const p = variant('no-space.bin', (b) => {
      expect(b[at]).toBe(0x20);
      b[at] = 0x21;
      return b;
    });
    expect(inspectModelFile(p)).toEqual({ ok: false, problem: 'the vocabulary has no " " token' });
  });

  it('says when the file is missing or a folder', () => {
    expect(inspectModelFile(join(dir, 'nope.bin'))).toEqual({ ok: false, problem: 'file not found' });
    expect(inspectModelFile(dir)).toEqual({ ok: false, problem: 'not a regular file' });
  });
});
