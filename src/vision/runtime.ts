// The detector runtime: Human (face, hand) on TensorFlow.js. @tensorflow/tfjs-node is used when it
// is installed and loads (it is optional: its install downloads libtensorflow from outside npm);
// otherwise the WASM backend, whose .wasm ships inside @tensorflow/tfjs-backend-wasm. Models are read
// from the files inside @vladmandic/human through a file:// loader, so nothing is fetched at run time.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Logger } from 'pino';
import { UserError, errorMessage } from '../util/errors.js';

const require = createRequire(import.meta.url);

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

/** The parts of Human's results we use (its own types don't resolve under NodeNext). */
export interface HumanBox {
  box: [number, number, number, number];
  score: number;
}
export interface HumanFace extends HumanBox {
  boxScore?: number;
}
export interface HumanHand extends HumanBox {
  label: string;
  keypoints: [number, number, number?][];
  fingerScore?: number;
}
interface HumanResult {
  face: HumanFace[];
  hand: HumanHand[];
  error?: string | null;
}
interface TfLike {
  tensor4d(values: Int32Array, shape: [number, number, number, number], dtype: 'int32'): { dispose(): void };
  getBackend(): string;
  memory(): { numTensors: number };
  io: { registerLoadRouter(r: (url: string | string[]) => unknown): void };
}
interface HumanLike {
  tf: TfLike;
  load(): Promise<void>;
  detect(input: unknown, config?: Record<string, unknown>): Promise<HumanResult>;
}

export interface Runtime {
  backend: BackendName;
  human: HumanLike;
  modelDir: string;
}

let cached: Promise<Runtime> | undefined;

/** Human's package folder (its package.json and dist files are not in its `exports`). */
function humanDist(): string {
  return dirname(require.resolve('@vladmandic/human'));
}

function chooseBackend(log?: Logger): BackendName {
  const forced = process.env.DUALREC_VISION_BACKEND as BackendName | undefined;
  if (forced === 'wasm' || forced === 'cpu') return forced;
  try {
    require('@tensorflow/tfjs-node');
    return 'tensorflow';
  } catch (err) {
    if (forced === 'tensorflow')
      throw new UserError(
        `DUALREC_VISION_BACKEND=tensorflow but @tensorflow/tfjs-node does not load (${errorMessage(err).split('\n')[0]})`,
      );
    log?.debug({}, '@tensorflow/tfjs-node not available; using the WASM backend');
    return 'wasm';
  }
}

/** Reads a TF.js graph model (model.json + weight shards) from disk. */
function fileModelHandler(url: string) {
  const path = decodeURIComponent(url.slice('file://'.length));
  return {
    load: async () => {
      let json: {
        modelTopology: unknown;
        format?: string;
        generatedBy?: string;
        convertedBy?: string;
        weightsManifest: { paths: string[]; weights: unknown[] }[];
        userDefinedMetadata?: unknown;
        signature?: unknown;
        modelInitializer?: unknown;
      };
      try {
        json = JSON.parse(readFileSync(path, 'utf8'));
      } catch (err) {
        throw new UserError(`${path}: cannot read vision model (${errorMessage(err)})`, path);
      }
      const dir = dirname(path);
      const specs: unknown[] = [];
      const shards: Buffer[] = [];
      for (const group of json.weightsManifest) {
        specs.push(...group.weights);
        for (const p of group.paths) shards.push(readFileSync(join(dir, p)));
      }
      const all = Buffer.concat(shards);
      return {
        modelTopology: json.modelTopology,
        format: json.format,
        generatedBy: json.generatedBy,
        convertedBy: json.convertedBy,
        weightSpecs: specs,
        weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength),
        userDefinedMetadata: json.userDefinedMetadata,
        signature: json.signature,
        modelInitializer: json.modelInitializer,
      };
    },
  };
}

/** Human's config: only face detection and hand detection+landmarks; everything else off. */
export function humanConfig(backend: BackendName, modelDir: string, wasmDir: string): Record<string, unknown> {
  return {
    backend,
    wasmPath: wasmDir,
    modelBasePath: `file://${modelDir}/`,
    debug: false,
    async: false,
    warmup: 'none',
    // Frames are seconds apart, not a live stream: no result caching between frames.
    cacheSensitivity: 0,
    cacheModels: false,
    validateModels: false,
    filter: { enabled: false },
    gesture: { enabled: false },
    face: {
      enabled: true,
      detector: { rotation: false, maxDetected: 8, minConfidence: 0.4, iouThreshold: 0.2, skipFrames: 0, skipTime: 0 },
      mesh: { enabled: false },
      iris: { enabled: false },
      description: { enabled: false },
      emotion: { enabled: false },
      antispoof: { enabled: false },
      liveness: { enabled: false },
      attention: { enabled: false },
      gear: { enabled: false },
    },
    hand: {
      enabled: true,
      rotation: false,
      landmarks: true,
      maxDetected: 4,
      minConfidence: 0.35,
      iouThreshold: 0.2,
      skipFrames: 0,
      skipTime: 0,
    },
    body: { enabled: false },
    object: { enabled: false },
    segmentation: { enabled: false },
  };
}

async function create(log?: Logger): Promise<Runtime> {
  const backend = chooseBackend(log);
  const dist = humanDist();
  const modelDir = join(dist, '..', 'models');
  const wasmDir = `${dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))}/`;
  // human.node.js is the tfjs-node build; human.node-wasm.js uses tfjs-core + the wasm backend (and cpu).
  const build = backend === 'tensorflow' ? 'human.node.js' : 'human.node-wasm.js';
  const mod = require(join(dist, build)) as { Human: new (cfg: Record<string, unknown>) => HumanLike };
  const human = new mod.Human(humanConfig(backend, modelDir, wasmDir));
  human.tf.io.registerLoadRouter((url) =>
    typeof url === 'string' && url.startsWith('file://') ? fileModelHandler(url) : null,
  );
  const t0 = performance.now();
  await human.load();
  // Human only switches backend on the first detect; do a tiny one so load errors surface here.
  const probe = human.tf.tensor4d(new Int32Array(32 * 32 * 3), [1, 32, 32, 3], 'int32');
  try {
    const r = await human.detect(probe, { face: { enabled: true }, hand: { enabled: false } });
    if (r.error) throw new Error(r.error);
  } finally {
    probe.dispose();
  }
  const actual = human.tf.getBackend();
  if (actual !== backend)
    throw new UserError(`vision: TensorFlow.js backend "${backend}" did not start (got "${actual}")`);
  log?.info({ backend, loadMs: Math.round(performance.now() - t0) }, 'vision models loaded');
  return { backend, human, modelDir };
}

/** The shared runtime (models load once per process). */
export function visionRuntime(log?: Logger): Promise<Runtime> {
  if (!cached) {
    cached = create(log).catch((err) => {
      cached = undefined;
      throw err;
    });
  }
  return cached;
}

export interface FrameInput {
  rgb: Uint8Array;
  width: number;
  height: number;
}

export interface Detections {
  faces: HumanFace[];
  hands: HumanHand[];
}

/** Runs the chosen detectors on one RGB frame. */
export async function detect(
  rt: Runtime,
  frame: FrameInput,
  what: { faces: boolean; hands: boolean },
): Promise<Detections> {
  const input = rt.human.tf.tensor4d(new Int32Array(frame.rgb), [1, frame.height, frame.width, 3], 'int32');
  try {
    // Human merges per-call config into its own: always pass both switches.
    const r = await rt.human.detect(input, { face: { enabled: what.faces }, hand: { enabled: what.hands } });
    if (r.error) throw new Error(`vision: detector failed (${r.error})`);
    return { faces: what.faces ? r.face : [], hands: what.hands ? r.hand : [] };
  } finally {
    input.dispose();
  }
}
