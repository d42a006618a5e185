// The media facts collect.ts adds on top of probe/integrity/signals: which audio track to analyze,
// the length when the container has none, and the transcript measured against the recording's sound.
import type { IntegrityIssue, MediaProbe, SessionFacts, TranscriptConsistency } from '../model/index.js';
import { checkConsistency, chooseAudioTrack, decodedDurationS } from '../media/index.js';
import { errorMessage } from '../util/errors.js';

/** The probe with its audio track chosen and its length measured; issues when the length can't be. */
export async function measureRecording(
  file: string,
  probed: MediaProbe,
): Promise<{ probe: MediaProbe; issues: IntegrityIssue[] }> {
  const probe: MediaProbe = { ...probed };
  const issues: IntegrityIssue[] = [];
  if (probe.duration > 0) {
    probe.durationFrom = 'container';
  } else {
    // MediaRecorder / live WebM, streamed MP4 or TS: no length in the header, so decode to measure it
    // (the first audio track: the length of the file, which the track choice below needs).
    let reason = 'nothing could be decoded';
    try {
      const d = await decodedDurationS(file, probe, 0);
      if (d > 0) {
        probe.duration = d;
        probe.durationFrom = 'decoding';
      }
    } catch (err) {
      reason = errorMessage(err).split('\n')[0] ?? reason;
    }
    if (!(probe.duration > 0)) {
      issues.push({
        code: 'duration-unmeasured',
        severity: 'major',
        message: `the container states no length and decoding could not measure one (${reason}): completeness can't be checked`,
      });
    }
  }
  const track = probe.duration > 0 ? await chooseAudioTrack(file, probe) : undefined;
  if (track) probe.audioTrack = track;
  return { probe, issues };
}

/** The transcript against the recording's sound, when both are there and the sound was measured. */
export function consistencyIssues(
  facts: SessionFacts,
): { facts: TranscriptConsistency; issues: IntegrityIssue[] } | undefined {
  if (!facts.transcript || !facts.probe || !facts.signals) return undefined;
  if (facts.probe.audio.length === 0 || !(facts.probe.duration > 0)) return undefined;
  return checkConsistency(facts.transcript, facts.signals, facts.probe.duration);
}
