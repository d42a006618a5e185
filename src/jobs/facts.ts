// src/jobs: what a local batch (src/batch) and the job queue (src/queue) both use.
// SessionFacts ↔ stage artefacts. Each stage's output is stored once by the sha256 of its JSON, so
// re-scoring rebuilds the facts from the store without running ffmpeg, ASR or vision again.
import { sha256Text } from '../util/hash.js';
import type { SessionFacts } from '../model/index.js';
import type { Artefact, ArtefactKind } from '../store/index.js';

function artefact(kind: ArtefactKind, value: unknown): Artefact {
  const body = JSON.stringify(value);
  return { kind, body, sha256: sha256Text(`${kind}\n${body}`) };
}

export function factsToArtefacts(facts: SessionFacts): Artefact[] {
  const out: Artefact[] = [
    artefact('meta', { sessionId: facts.sessionId, meta: facts.meta, metaFromSidecar: facts.metaFromSidecar }),
    artefact('media', {
      recording: facts.recording,
      parts: facts.parts,
      probe: facts.probe,
      signals: facts.signals,
      integrity: facts.integrity,
    }),
    artefact('transcript', { transcript: facts.transcript, transcriptMissingReason: facts.transcriptMissingReason }),
  ];
  if (facts.visual) out.push(artefact('visual', { visual: facts.visual }));
  return out;
}

/** Rebuilds SessionFacts; undefined when the run stored no facts (a session that could not be analyzed). */
export function artefactsToFacts(artefacts: Artefact[]): SessionFacts | undefined {
  const byKind = new Map(artefacts.map((a) => [a.kind, JSON.parse(a.body) as Record<string, unknown>]));
  const meta = byKind.get('meta');
  const media = byKind.get('media');
  if (!meta || !media) return undefined;
  return {
    ...(meta as Pick<SessionFacts, 'sessionId' | 'meta' | 'metaFromSidecar'>),
    ...(media as Pick<SessionFacts, 'recording' | 'parts' | 'probe' | 'signals' | 'integrity'>),
    ...((byKind.get('transcript') ?? {}) as Pick<SessionFacts, 'transcript' | 'transcriptMissingReason'>),
    ...((byKind.get('visual') ?? {}) as Pick<SessionFacts, 'visual'>),
  };
}
