// Turning transcript bytes into text. Chinese subtitle files in the wild are UTF-8, UTF-16 (Windows
// "Unicode") or GB18030/GBK; whisper.cpp's JSON can hold CJK characters split across tokens, which
// makes the file invalid UTF-8 as a whole (whisper.cpp issue #1798), so JSON gets a byte-level path.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { TRANSCRIPT_MAX_BYTES } from '../../model/limits.js';
import { importError } from './common.js';

export function readTranscriptBytes(file: string): Buffer {
  if (!existsSync(file)) throw importError(file, 'file not found');
  const st = statSync(file);
  if (!st.isFile()) throw importError(file, 'is not a file');
  if (st.size > TRANSCRIPT_MAX_BYTES)
    throw importError(file, `is ${st.size} bytes, too large for a transcript (limit ${TRANSCRIPT_MAX_BYTES} bytes)`);
  return readFileSync(file);
}

export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'gb18030';

export interface DecodedText {
  text: string;
  encoding: TextEncoding;
}

/** Strict decode; undefined when the bytes are not valid in that encoding. */
function tryDecode(bytes: Uint8Array, encoding: TextEncoding): string | undefined {
  try {
    return new TextDecoder(encoding, { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * Decodes by BOM, else strict UTF-8, else (only when `allowLegacy`) GB18030.
 * Returns undefined when nothing fits, so the caller can decide (JSON has its own fallback).
 */
export function decodeText(bytes: Uint8Array, allowLegacy: boolean): DecodedText | undefined {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) {
    const text = tryDecode(bytes, 'utf-16le');
    return text === undefined ? undefined : { text, encoding: 'utf-16le' };
  }
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    const text = tryDecode(bytes, 'utf-16be');
    return text === undefined ? undefined : { text, encoding: 'utf-16be' };
  }
  const utf8 = tryDecode(bytes, 'utf-8'); // TextDecoder drops a UTF-8 BOM itself
  if (utf8 !== undefined) return { text: utf8, encoding: 'utf-8' };
  if (allowLegacy) {
    const gb = tryDecode(bytes, 'gb18030');
    if (gb !== undefined) return { text: gb, encoding: 'gb18030' };
  }
  return undefined;
}

export function requireText(file: string, bytes: Uint8Array, allowLegacy: boolean): DecodedText {
  const decoded = decodeText(bytes, allowLegacy);
  if (!decoded) {
    throw importError(
      file,
      `is not readable text (tried UTF-8, UTF-16${allowLegacy ? ', GB18030' : ''}); save it as UTF-8`,
    );
  }
  return decoded;
}

/** True when `bytes` ends in the middle of a UTF-8 sequence (more bytes are needed). */
export function endsMidCharacter(bytes: Uint8Array): boolean {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    const n = b < 0x80 ? 1 : b >> 5 === 0b110 ? 2 : b >> 4 === 0b1110 ? 3 : b >> 3 === 0b11110 ? 4 : 1;
    if (i + n > bytes.length) return true;
    i += n;
  }
  return false;
}

/** Lenient UTF-8 decode that drops what cannot be decoded instead of showing U+FFFD. */
export function utf8Lenient(bytes: Uint8Array): string {
  return new TextDecoder('utf-8').decode(bytes).replace(/\uFFFD/g, '');
}

/** A position in text as "line L, column C" (1-based), for JSON syntax errors. */
export function lineColumn(text: string, position: number): string {
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  const column = position - before.lastIndexOf('\n');
  return `line ${line}, column ${column}`;
}
