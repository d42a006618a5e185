// The ASR stage's public face. Transcript import lives in ./import/ (its own entry point).
export { transcribeRecording, type TranscribeOptions } from './transcribe.js';
export {
  resolveModel,
  listModels,
  loadManifest,
  modelsDir,
  manifestPath,
  modelSha256,
  PULL_HINT,
  type ResolvedModel,
  type InstalledModel,
  type Manifest,
  type ModelEntry,
} from './models.js';
export { pullModel, type PullOptions, type PullResult } from './download.js';
export { inspectModelFile, type ModelFileInfo } from './model-file.js';
export { WhisperCppEngine } from './whisper-engine.js';
export { AsrEngineCache } from './engine-cache.js';
export { EngineError, type AsrEngine, type EngineInfo, type EngineSegment, type EngineToken } from './engine.js';
export { DEFAULT_PROMPT, DecodeOptionsSchema, type DecodeOptions } from './options.js';
export { whisperBuildInfo, type WhisperBuildInfo } from './build-info.js';
export { createProgress, formatBytes } from './progress.js';
