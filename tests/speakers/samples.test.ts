// The shipped sample recordings (2–3 minutes, AAC) with their speaker labels taken away: clustering
// the sound must give back the roles the labels say, line by line.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { importTranscript } from '../../src/asr/import/index.js';
import { assignRoles } from '../../src/speakers/index.js';
import { ROOT } from '../helpers/cli.js';
import { meta } from './helpers.js';

const SAMPLES: [string, string][] = [
  ['audio-only-health.m4a', 'audio-only-health.transcript.srt'],
  ['compliant-participating.mp4', 'compliant-participating.transcript.json'],
];

describe('sample recordings without their labels', () => {
  for (const [recording, transcriptFile] of SAMPLES) {
    it(`${recording}: roles from the sound agree with the labels`, async () => {
      const transcript = importTranscript(join(ROOT, 'samples', transcriptFile));
      const labelled = transcript.segments.map((s) => ({ start: s.start, end: s.end, role: s.speaker }));
      expect(new Set(labelled.map((l) => l.role))).toEqual(new Set(['agent', 'customer']));
      for (const s of transcript.segments) delete s.speaker;
      const facts = await assignRoles({ transcript, meta: meta(), recording: join(ROOT, 'samples', recording) });
      const agree = transcript.segments.filter((s) => {
        const l = labelled.find((x) => Math.min(x.end, s.end) - Math.max(x.start, s.start) > 0.5 * (s.end - s.start));
        return l?.role === s.role;
      }).length;
      const acc = agree / transcript.segments.length;
      console.log(
        `[speakers] sample ${recording}: ${(acc * 100).toFixed(1)} % of ${transcript.segments.length} lines agree with the labels (${facts.speakerCount} voices)`,
      );
      expect(facts.method).toBe('clustering');
      expect(facts.speakerCount).toBe(2);
      expect(acc).toBeGreaterThanOrEqual(0.95);
      expect(facts.thirdPartyVoices).toEqual([]);
    });
  }
});
