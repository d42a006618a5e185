// One loaded engine per model for a run over many recordings: loading a model costs seconds,
// so `analyze` on a folder and each batch worker keep theirs. The owner closes them at the end.
import type { Logger } from 'pino';
import type { AsrEngine } from './engine.js';
import { WhisperCppEngine } from './whisper-engine.js';

export class AsrEngineCache {
  private readonly engines = new Map<string, AsrEngine>();

  get(modelPath: string, logger?: Logger): AsrEngine {
    let engine = this.engines.get(modelPath);
    if (!engine) {
      engine = new WhisperCppEngine({ modelPath, logger });
      this.engines.set(modelPath, engine);
    }
    return engine;
  }

  async closeAll(): Promise<void> {
    const all = [...this.engines.values()];
    this.engines.clear();
    await Promise.allSettled(all.map((e) => e.close()));
  }
}
