// The speaker stage: a role (agent | customer | unknown) and a confidence for every transcript
// segment, and the dialogue facts built on them. Sources, strongest first:
//   sidecar roles.speakers → role-named or diarized labels → separate audio channels → clustering of
//   the mono sound → the words alone. Whichever source tells the voices apart, the words decide which
//   voice is the agent (the one reading the script) and which the customer (the one answering).
import type { Logger } from 'pino';
import type {
  Interval,
  MediaProbe,
  Role,
  Segment,
  SessionMeta,
  SpeakerFacts,
  SpeakerMethod,
  Transcript,
} from '../model/index.js';
import { decodeAudioFloat32, probeMedia, SAMPLE_RATE } from '../media/index.js';
import { errorMessage } from '../util/errors.js';
import { acousticConfidence, splitOnVoiceChanges, voiceOfSpan, type VoiceTrack } from './assign.js';
import { analyzeChannels } from './channels.js';
import { diarize, type Diarization } from './cluster.js';
import { buildFacts, mergeIntervals } from './facts.js';
import { labelRoles } from './labels.js';
import { mapVoicesToRoles, speaksForOther, textCues, voiceEvidence, type RoleMapping } from './text.js';
import { rolesFromTurns } from './turns.js';

export { applyLabelRoles, labelRoles } from './labels.js';
export { diarize, type Diarization } from './cluster.js';
export { analyzeChannels } from './channels.js';
export { textCues } from './text.js';

/** Bump when the roles or facts produced for the same input change (part of a stage cache key). */
export const SPEAKERS_STAGE_VERSION = 2;

/** Below this a role is not given: the segment is 'unknown' and role-dependent rules answer undetermined. */
export const MIN_ROLE_CONFIDENCE = 0.6;

/** Diarization labels (WhisperX) are trusted a little less than a sidecar that names the roles. */
const LABEL_TRUST = 0.95;
/** With one voice heard, the script lines are the agent's, but not with full confidence. */
const SINGLE_VOICE_CAP = 0.75;
/** Third-party speech shorter than this is not reported. */
const MIN_THIRD_PARTY_S = 0.5;
/** How sure the customer's voice must be before the other voices are marked as third persons. */
const THIRD_PARTY_SURE = 0.7;

export interface AssignRolesInput {
  transcript: Transcript;
  meta: SessionMeta;
  /** the recording, for channel analysis or clustering; without it only labels and words are used */
  recording?: string;
  probe?: MediaProbe;
  /** silence found by media/, to keep it out of the voice models */
  silence?: Interval[];
  logger?: Logger;
}

/**
 * Sets `role`, `roleConfidence` and `voice` on the transcript's segments in place (splitting a segment
 * where its words show a change of voice; ids are renumbered then) and returns the dialogue facts.
 * Never throws for a bad recording: it falls back to the words and says so in `notes`.
 */
export async function assignRoles(input: AssignRolesInput): Promise<SpeakerFacts> {
  const facts = await assignRolesBy(input);
  // an insured who is not the policyholder is often in the room and must consent himself (被保险人同意并认可
  // 保险金额): a third voice may be his, answering for himself — unless it speaks for her ("她清楚")
  if (input.meta.insured_is_policyholder === false)
    for (const s of input.transcript.segments) if (s.thirdParty && !speaksForOther(s.text)) s.thirdParty = 'own';
  return facts;
}

async function assignRolesBy(input: AssignRolesInput): Promise<SpeakerFacts> {
  const { transcript, meta } = input;
  const notes: string[] = [];
  // roles from an earlier run of this stage are re-derived, not taken as given
  for (const s of transcript.segments) {
    if (s.voice !== undefined) {
      delete s.voice;
      delete s.role;
      delete s.roleConfidence;
    }
  }
  if (transcript.segments.length === 0) {
    return buildFacts({ method: 'text', segments: [], speakerCount: null, notes: ['the transcript has no lines'] });
  }

  const given = labelRoles(transcript, meta);
  if (given.bySidecar + given.byName + given.preset > 0) {
    const method: SpeakerMethod = given.bySidecar > 0 ? 'metadata' : 'labels';
    return finishGiven(transcript, method, notes);
  }
  if (given.labelled >= transcript.segments.length / 2) {
    return fromDiarizedLabels(transcript, notes);
  }

  if (input.recording) {
    try {
      const facts = await fromAudio(input, notes);
      if (facts) return facts;
    } catch (err) {
      notes.push(`the audio could not be used for speakers (${errorMessage(err)}); roles come from the words alone`);
      input.logger?.warn({ stage: 'speakers', err: errorMessage(err) }, 'audio unusable for speaker roles');
    }
  } else {
    notes.push('no recording: roles come from the words alone');
  }
  return fromText(transcript, notes);
}

// ---------------------------------------------------------------- labels

/** Roles the sidecar or the labels gave: labels without a role are other people. */
function finishGiven(transcript: Transcript, method: SpeakerMethod, notes: string[]): SpeakerFacts {
  const thirdParty: Interval[] = [];
  const unmapped = new Set<string>();
  let unlabelled = 0;
  for (const s of transcript.segments) {
    if (s.speaker) s.voice = s.speaker;
    delete s.thirdParty;
    if (s.role === 'agent' || s.role === 'customer') {
      s.roleConfidence ??= 1;
      continue;
    }
    s.role = 'unknown';
    delete s.roleConfidence;
    if (s.speaker) {
      s.thirdParty = 'for-customer';
      unmapped.add(s.speaker);
      thirdParty.push({ start: s.start, end: s.end });
    } else unlabelled++;
  }
  if (unmapped.size > 0)
    notes.push(`speaker label(s) ${[...unmapped].join(', ')} map to no role: treated as third parties`);
  if (unlabelled > 0) notes.push(`${unlabelled} line(s) have no speaker label: role unknown`);
  const voices = new Set(
    transcript.segments
      .map((s) => s.speaker ?? (s.role !== 'unknown' ? s.role : undefined))
      .filter((v) => v !== undefined),
  );
  return buildFacts({
    method,
    segments: transcript.segments,
    speakerCount: voices.size || null,
    thirdParty: thirdParty.filter((i) => i.end - i.start >= MIN_THIRD_PARTY_S),
    notes,
  });
}

/** WhisperX-style labels (SPEAKER_00 …): the labels tell voices apart, the words tell which is which. */
function fromDiarizedLabels(transcript: Transcript, notes: string[]): SpeakerFacts {
  const segs = transcript.segments;
  for (const s of segs) if (s.speaker) s.voice = s.speaker;
  const mapping = mapVoicesToRoles(voiceEvidence(segs));
  const thirdParty = applyMapping(segs, mapping, () => LABEL_TRUST);
  const unlabelled = segs.filter((s) => !s.speaker).length;
  if (unlabelled > 0) notes.push(`${unlabelled} line(s) have no speaker label: role unknown`);
  notes.push(describeMapping(mapping));
  const voices = new Set(segs.map((s) => s.speaker).filter((v) => v !== undefined));
  return buildFacts({ method: 'labels', segments: segs, speakerCount: voices.size, thirdParty, notes });
}

// ---------------------------------------------------------------- audio

async function fromAudio(input: AssignRolesInput, notes: string[]): Promise<SpeakerFacts | undefined> {
  const recording = input.recording!;
  const transcript = input.transcript;
  const probe = input.probe ?? (await probeMedia(recording));
  // the audio track media/ chose (the one with speech, when there are several)
  const track = probe.audioTrack?.position ?? 0;
  const stream = probe.audio[track];
  if (!stream) {
    notes.push('the recording has no audio: roles come from the words alone');
    return undefined;
  }
  const segs = transcript.segments;
  const regions = segs.map((s) => ({ start: Math.max(0, s.start - 0.3), end: s.end + 0.3 }));
  const log = input.logger;

  let mix: Float32Array | undefined;
  if (stream.channels >= 2) {
    const left = await decodeAudioFloat32(recording, { channel: 'left', track });
    const right = await decodeAudioFloat32(recording, { channel: 'right', track });
    const ch = analyzeChannels(left, right, SAMPLE_RATE, { regions, silence: input.silence });
    log?.info({ stage: 'speakers', separationDb: round2(ch.separationDb), distinct: ch.distinct }, 'channels analyzed');
    if (ch.distinct) {
      if (ch.roomVoices.length)
        notes.push(
          `speech near neither microphone (heard alike on both) in ${ch.roomVoices.length} stretch(es): a third person`,
        );
      return fromTrack(input, ch.track, 'channels', notes, {
        speakerCount: (ch.speechS.left > 1 ? 1 : 0) + (ch.speechS.right > 1 ? 1 : 0) + (ch.roomVoices.length ? 1 : 0),
        overlaps: ch.overlaps,
        givenMapping: channelMapping(input.meta),
        // the person at each microphone is the agent or the customer; the room is neither
        candidates: ['left', 'right'],
      });
    }
    notes.push(
      `the two audio channels carry the same sound (${ch.separationDb.toFixed(1)} dB apart): voices told apart by sound instead`,
    );
    mix = new Float32Array(Math.min(left.length, right.length));
    for (let i = 0; i < mix.length; i++) mix[i] = (left[i] + right[i]) / 2;
  } else if (input.meta.roles?.channels) {
    notes.push('the sidecar maps audio channels to roles, but the recording is mono');
  }
  mix ??= await decodeAudioFloat32(recording, { channel: 'mix', track });
  const d = diarize({ samples: mix, sampleRate: SAMPLE_RATE, segments: segs, silence: input.silence });
  log?.info({ stage: 'speakers', voices: d.speakerCount, separation: round2(d.separation) }, 'voices clustered');
  notes.push(...d.notes);
  if (d.speakerCount === 0) {
    notes.push('no speech found in the audio where the transcript has lines: roles come from the words alone');
    return undefined;
  }
  return fromTrack(input, trackOf(d), 'clustering', notes, { speakerCount: d.speakerCount });
}

function channelMapping(meta: SessionMeta): RoleMapping | undefined {
  const c = meta.roles?.channels;
  if (!c || c.left === c.right) return undefined;
  return {
    agent: c.left === 'agent' ? 'left' : 'right',
    customer: c.left === 'customer' ? 'left' : 'right',
    agentConfidence: 1,
    customerConfidence: 1,
    others: ['room'],
  };
}

/** Clustering labels as a voice track: strength is the log-likelihood margin (nats per frame). */
function trackOf(d: Diarization): VoiceTrack {
  const strength = new Float32Array(d.margin.length);
  // one voice: which voice it is can't be in doubt
  for (let i = 0; i < strength.length; i++) strength[i] = d.speakerCount === 1 ? 10 : Math.max(0, d.margin[i]);
  return {
    hopS: d.hopS,
    labels: d.labels,
    strength,
    strengthScale: 1.5,
    voices: Array.from({ length: d.speakerCount }, (_, i) => `spk${i + 1}`),
  };
}

function fromTrack(
  input: AssignRolesInput,
  track: VoiceTrack,
  method: SpeakerMethod,
  notes: string[],
  extra: { speakerCount: number; overlaps?: Interval[]; givenMapping?: RoleMapping; candidates?: string[] },
): SpeakerFacts {
  const transcript = input.transcript;
  const split = splitOnVoiceChanges(transcript, track);
  if (split > 0) notes.push(`${split} line(s) held two voices and were split where the voice changes`);
  const segs = transcript.segments;
  const acoustic = new Map<Segment, number>();
  for (const s of segs) {
    const sv = voiceOfSpan(track, s.start, s.end);
    if (sv.voice !== undefined) s.voice = track.voices[sv.voice];
    acoustic.set(s, acousticConfidence(track, sv));
  }
  const mapping = extra.givenMapping ?? mapCandidates(voiceEvidence(segs), extra.candidates);
  const single = extra.speakerCount === 1 && method === 'clustering';
  applyMapping(segs, mapping, (s) => acoustic.get(s) ?? 0, single);
  if (single)
    notes.push(
      "one voice heard: its script lines are the agent's; its answers can't be told from the customer's and stay unknown",
    );
  if (extra.givenMapping) notes.push('channel roles from the sidecar');
  else notes.push(describeMapping(mapping));
  // third parties from the frames themselves: more precise than whole segments
  const others = new Set(mapping.others.map((v) => track.voices.indexOf(v)));
  const thirdParty: Interval[] = [];
  if (others.size > 0) {
    for (let i = 0; i < track.labels.length;) {
      if (!others.has(track.labels[i])) {
        i++;
        continue;
      }
      // through pauses, up to the last frame of the other voice before someone else speaks
      let j = i;
      let last = i;
      while (j < track.labels.length && (others.has(track.labels[j]) || track.labels[j] < 0)) {
        if (track.labels[j] >= 0) last = j;
        j++;
      }
      thirdParty.push({ start: i * track.hopS, end: (last + 1) * track.hopS });
      i = j;
    }
  }
  return buildFacts({
    method,
    segments: segs,
    speakerCount: extra.speakerCount,
    overlaps: extra.overlaps,
    thirdParty: mergeIntervals(thirdParty, 0, 0.5).filter((i) => i.end - i.start >= MIN_THIRD_PARTY_S),
    notes,
  });
}

/**
 * Gives each segment its voice's role, with confidence = how sure the voice→role mapping is × how
 * sure the segment's voice is. Returns the intervals of voices that are neither role.
 */
function applyMapping(
  segs: Segment[],
  mapping: RoleMapping,
  voiceConfidence: (s: Segment) => number,
  singleVoice = false,
): Interval[] {
  const third: Interval[] = [];
  // a third voice is surely nobody's role only when the customer's voice is surely told apart
  const thirdSure = mapping.customer !== undefined && mapping.customerConfidence >= THIRD_PARTY_SURE;
  for (const s of segs) {
    let role: Role = 'unknown';
    let conf = 0;
    delete s.thirdParty;
    if (s.voice !== undefined && s.voice === mapping.agent) {
      role = 'agent';
      conf = mapping.agentConfidence * voiceConfidence(s);
      // one voice heard: only lines that plainly read as the script are the agent's (the customer's
      // voice may be in there, unseparated, asking about 退保 or answering 是的)
      if (singleVoice) conf = isScriptLine(s.text) ? Math.min(conf, SINGLE_VOICE_CAP) : 0;
    } else if (s.voice !== undefined && s.voice === mapping.customer) {
      role = 'customer';
      conf = mapping.customerConfidence * voiceConfidence(s);
    } else if (s.voice !== undefined && mapping.others.includes(s.voice)) {
      third.push({ start: s.start, end: s.end });
      if (thirdSure) s.thirdParty = 'for-customer';
    }
    setRole(s, role, conf);
  }
  return third.filter((i) => i.end - i.start >= MIN_THIRD_PARTY_S);
}

function setRole(s: Segment, role: Role, confidence: number): void {
  if (role !== 'unknown' && confidence >= MIN_ROLE_CONFIDENCE) {
    s.role = role;
    s.roleConfidence = round2(confidence);
  } else {
    s.role = 'unknown';
    delete s.roleConfidence;
  }
}

/** Maps voices to roles among the candidates only; every other voice is a third party. */
function mapCandidates(evidence: ReturnType<typeof voiceEvidence>, candidates?: string[]): RoleMapping {
  if (!candidates) return mapVoicesToRoles(evidence);
  const allowed = new Map([...evidence].filter(([v]) => candidates.includes(v)));
  const m = mapVoicesToRoles(allowed);
  return { ...m, others: [...m.others, ...[...evidence.keys()].filter((v) => !candidates.includes(v))] };
}

function describeMapping(m: RoleMapping): string {
  const parts: string[] = [];
  if (m.agent) parts.push(`agent = ${m.agent} (${round2(m.agentConfidence)})`);
  if (m.customer) parts.push(`customer = ${m.customer} (${round2(m.customerConfidence)})`);
  if (m.others.length) parts.push(`other voices: ${m.others.join(', ')}`);
  return parts.length ? `roles by what each voice says: ${parts.join('; ')}` : 'no voice could be given a role';
}

// ---------------------------------------------------------------- text only

/**
 * No labels and no usable audio (whisper.cpp output without diarisation): roles from the words and the
 * turn-taking of a two-person session (speakers/turns.ts), each marked `roleFromTurns`.
 */
function fromText(transcript: Transcript, notes: string[]): SpeakerFacts {
  const byTurns = rolesFromTurns(transcript.segments, setRole);
  notes.push(
    byTurns
      ? "roles from the words and the turn-taking alone (no labels or voices): script lines and questions are the agent's, short lines right after them the customer's; the agent answering himself in the same voice cannot be ruled out"
      : 'roles from the words alone: no line could be given a role',
  );
  return buildFacts({ method: 'text', segments: transcript.segments, speakerCount: null, notes });
}

/** A line that reads as the sales script by its words alone (several script terms, not an answer). */
function isScriptLine(text: string): boolean {
  const c = textCues(text);
  return c.agent >= 3 && c.customer === 0 && !c.shortAnswer;
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
