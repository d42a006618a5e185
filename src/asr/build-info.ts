// Was smart-whisper's whisper.cpp built with AVX? Built with node-gyp's default flags it has none
// and runs about 10x slower. node-gyp records each object's compile command in build/Release/.deps;
// ggml.c's tells which flags the SIMD code was compiled with.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';

export const WANTED_FLAGS = '-march=native -O3';

export interface WhisperBuildInfo {
  /** smart-whisper's version, when installed */
  version?: string;
  addonPath?: string;
  built: boolean;
  /** the flags ggml.c was compiled with (from node-gyp's dependency record) */
  flags: string[];
  /** -march=native, or an explicit -mavx/-mavx2 */
  nativeFlags: boolean;
  /** this CPU reports AVX */
  cpuAvx: boolean;
  /** the build uses AVX on this machine */
  avx: boolean;
  message: string;
}

function cpuHasAvx(): boolean {
  try {
    return /\bavx\b/.test(readFileSync('/proc/cpuinfo', 'utf8'));
  } catch {
    return false; // not Linux: unknown, report as no
  }
}

export function whisperBuildInfo(): WhisperBuildInfo {
  const cpuAvx = cpuHasAvx();
  let root: string;
  try {
    root = dirname(createRequire(import.meta.url).resolve('smart-whisper/package.json'));
  } catch {
    return {
      built: false,
      flags: [],
      nativeFlags: false,
      cpuAvx,
      avx: false,
      message: 'smart-whisper is not installed: run npm ci',
    };
  }
  const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
  const addonPath = join(root, 'build', 'Release', 'smart-whisper.node');
  if (!existsSync(addonPath)) {
    return {
      version,
      addonPath,
      built: false,
      flags: [],
      nativeFlags: false,
      cpuAvx,
      avx: false,
      message: 'smart-whisper is installed but its native addon is not built: run scripts/build-whisper.sh',
    };
  }
  const deps = join(
    root,
    'build',
    'Release',
    '.deps',
    'Release',
    'obj.target',
    'smart-whisper',
    'whisper.cpp',
    'ggml',
    'src',
    'ggml.o.d',
  );
  let flags: string[] = [];
  try {
    const cmd = readFileSync(deps, 'utf8').split('\n')[0];
    flags = cmd
      .split(/\s+/)
      .map((f) => f.replace(/^'|'$/g, ''))
      .filter((f) => /^-(march|mtune|mavx|mfma|mf16c|O\d)/.test(f));
    flags = [...new Set(flags.reverse())].reverse(); // gcc: the last of a repeated flag wins
  } catch {
    // no record (built some other way): flags unknown
  }
  const nativeFlags = flags.some((f) => f === '-march=native' || f.startsWith('-mavx'));
  const avx = nativeFlags && cpuAvx;
  const message = avx
    ? `whisper.cpp built with ${flags.join(' ')}: AVX on`
    : nativeFlags
      ? `whisper.cpp built with ${flags.join(' ')}, but this CPU has no AVX`
      : `whisper.cpp built without ${WANTED_FLAGS} (flags: ${flags.join(' ') || 'unknown'}): no AVX, about 10x slower; run scripts/build-whisper.sh`;
  return { version, addonPath, built: true, flags, nativeFlags, cpuAvx, avx, message };
}
