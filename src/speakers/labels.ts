// Roles from what the session already says: the sidecar's speaker map, or speaker labels that
// name the role themselves (agent / customer, 坐席 / 客户 …). Acoustic diarization comes after this.
import type { Role, SessionMeta, Transcript } from '../model/index.js';

const LABEL_ROLES: Record<string, Role> = {
  agent: 'agent', seller: 'agent', salesperson: 'agent', 代理人: 'agent', 业务员: 'agent', 坐席: 'agent', 销售: 'agent', 理财经理: 'agent',
  customer: 'customer', client: 'customer', policyholder: 'customer', 客户: 'customer', 投保人: 'customer',
};

/** Sets segment.role (confidence 1) wherever the label maps to a role; returns how many segments got one. */
export function applyLabelRoles(transcript: Transcript, meta: SessionMeta): number {
  const given = meta.roles?.speakers ?? {};
  let assigned = 0;
  for (const seg of transcript.segments) {
    if (seg.role && seg.role !== 'unknown') {
      assigned++;
      continue;
    }
    if (!seg.speaker) continue;
    const role = given[seg.speaker] ?? LABEL_ROLES[seg.speaker.trim().toLowerCase()];
    if (role) {
      seg.role = role;
      seg.roleConfidence = 1;
      assigned++;
    }
  }
  return assigned;
}
