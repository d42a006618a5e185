// Child process that owns the native whisper.cpp context. It is a separate process because
// whisper.cpp aborts or segfaults on some bad inputs (a corrupt model, an invalid parameter) and
// has no way to interrupt a running decode: the parent kills this process instead, and a crash
// here only fails the recording at hand, never the batch.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

type Handle = { readonly __handle: unique symbol };
interface NativeModel {
  readonly handle: Handle | null;
  free(): Promise<void>;
}
interface NativeBinding {
  WhisperModel: { load(file: string, gpu: boolean): Promise<NativeModel> };
  transcribe(
    handle: Handle,
    pcm: Float32Array,
    params: Record<string, unknown>,
    finish: (result: unknown) => void,
    progress: (segment: unknown) => void,
  ): void;
}

export type ParentMessage =
  | { t: 'load'; path: string }
  | { t: 'run'; id: number; pcm: Float32Array; params: Record<string, unknown> }
  | { t: 'close' };

export type ChildMessage =
  | { t: 'ready' }
  | { t: 'fatal'; message: string }
  | { t: 'loaded' }
  | { t: 'load-error'; message: string }
  | { t: 'result'; id: number; segments: unknown }
  | { t: 'run-error'; id: number; message: string };

export function addonPath(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('smart-whisper/package.json')), 'build', 'Release', 'smart-whisper.node');
}

function send(msg: ChildMessage): void {
  process.send?.(msg);
}

function main(): void {
  let binding: NativeBinding;
  try {
    binding = createRequire(import.meta.url)(addonPath()) as NativeBinding;
  } catch (err) {
    send({
      t: 'fatal',
      message: `smart-whisper's native addon is not built (${(err as Error).message.split('\n')[0]}): run scripts/build-whisper.sh`,
    });
    process.exit(3);
  }
  let model: NativeModel | undefined;

  // The parent is gone: nothing left to answer to.
  process.on('disconnect', () => process.exit(0));
  process.on('message', (msg: ParentMessage) => {
    switch (msg.t) {
      case 'load':
        binding.WhisperModel.load(msg.path, false).then(
          (m) => {
            model = m;
            send({ t: 'loaded' });
          },
          (err: Error) => send({ t: 'load-error', message: err.message }),
        );
        break;
      case 'run': {
        const handle = model?.handle;
        if (!handle) {
          send({ t: 'run-error', id: msg.id, message: 'no model loaded' });
          break;
        }
        binding.transcribe(
          handle,
          msg.pcm,
          msg.params,
          (result) => {
            // on failure the addon calls back with an Error instead of the segment array
            if (result instanceof Error) send({ t: 'run-error', id: msg.id, message: result.message });
            else send({ t: 'result', id: msg.id, segments: result });
          },
          () => {},
        );
        break;
      }
      case 'close':
        process.disconnect?.();
        process.exit(0);
    }
  });
  send({ t: 'ready' });
}

if (process.send) main();
