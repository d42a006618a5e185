// Roles from what the session already says: the sidecar's speaker map, or speaker labels that
// name the role themselves (agent / customer, 坐席 / 客户 …). Acoustic diarization comes after this.
import type { Role, SessionMeta, Transcript } from '../model/index.js';

const LABEL_ROLES: Record<string, Role> = {
  agent: 'agent',
  seller: 'agent',
  salesperson: 'agent',
  advisor: 'agent',
  代理人: 'agent',
  保险代理人: 'agent',
  业务员: 'agent',
  业务人员: 'agent',
  营销员: 'agent',
  销售: 'agent',
  销售员: 'agent',
  销售人员: 'agent',
  坐席: 'agent',
  座席: 'agent',
  客服: 'agent',
  理财经理: 'agent',
  客户经理: 'agent',
  柜员: 'agent',
  顾问: 'agent',
  保险顾问: 'agent',
  服务专员: 'agent',
  customer: 'customer',
  client: 'customer',
  policyholder: 'customer',
  insured: 'customer',
  user: 'customer',
  客户: 'customer',
  顾客: 'customer',
  投保人: 'customer',
  被保险人: 'customer',
  被保人: 'customer',
  受益人: 'customer',
};

/** The role a label names: the word itself, or the word numbered or named ("客服2", "坐席(小王)", "Agent A"). */
export function roleOfLabel(label: string): Role | undefined {
  const l = label.trim().toLowerCase();
  if (LABEL_ROLES[l]) return LABEL_ROLES[l];
  const base = l
    .replace(/[（(][^）)]*[）)]$/, '')
    .replace(/[\s_-]*[0-9a-z]{1,3}$/, '')
    .trim();
  return base && base !== l ? LABEL_ROLES[base] : undefined;
}

/** Transcripts from per-channel ASR label lines "channel 0" / "channel 1": the sidecar's left / right. */
function roleOfChannel(label: string, meta: SessionMeta): Role | undefined {
  const m = /^channel[ _-]?([01])$/i.exec(label.trim());
  const ch = meta.roles?.channels;
  if (!m || !ch) return undefined;
  return m[1] === '0' ? ch.left : ch.right;
}

export interface LabelRoleCount {
  /** segments whose label the sidecar's roles.speakers maps */
  bySidecar: number;
  /** segments whose label names its role */
  byName: number;
  /** segments that came with a role from the transcript source */
  preset: number;
  /** segments with a speaker label at all */
  labelled: number;
}

/** Sets segment.role (confidence 1) wherever the sidecar or the label itself gives it; counts by source. */
export function labelRoles(transcript: Transcript, meta: SessionMeta): LabelRoleCount {
  const given = meta.roles?.speakers ?? {};
  const count: LabelRoleCount = { bySidecar: 0, byName: 0, preset: 0, labelled: 0 };
  for (const seg of transcript.segments) {
    if (seg.speaker) count.labelled++;
    if (seg.role && seg.role !== 'unknown') {
      count.preset++;
      continue;
    }
    if (!seg.speaker) continue;
    const bySidecar = given[seg.speaker] ?? roleOfChannel(seg.speaker, meta);
    const byName = roleOfLabel(seg.speaker);
    const role = bySidecar ?? byName;
    if (role) {
      seg.role = role;
      seg.roleConfidence = 1;
      if (bySidecar) count.bySidecar++;
      else count.byName++;
    }
  }
  return count;
}

/** Sets segment.role (confidence 1) wherever the label maps to a role; returns how many segments have one. */
export function applyLabelRoles(transcript: Transcript, meta: SessionMeta): number {
  const c = labelRoles(transcript, meta);
  return c.bySidecar + c.byName + c.preset;
}
