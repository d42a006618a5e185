// Roles from what the session already says: the sidecar's speaker map, or speaker labels that
// name the role themselves (agent / customer, 坐席 / 客户 …). Acoustic diarization comes after this.
import type { Role, SessionMeta, Transcript } from '../model/index.js';

const LABEL_ROLES: Record<string, Role> = {
  agent: 'agent', seller: 'agent', salesperson: 'agent', 代理人: 'agent', 业务员: 'agent', 坐席: 'agent', 销售: 'agent', 理财经理: 'agent',
  customer: 'customer', client: 'customer', policyholder: 'customer', 客户: 'customer', 投保人: 'customer',
};

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
    const bySidecar = given[seg.speaker];
    const byName = LABEL_ROLES[seg.speaker.trim().toLowerCase()];
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
