// Token auth for the review server. One shared secret token (from --token, DUALREC_REVIEW_TOKEN, or
// generated at start). A browser logs in once with the token and its reviewer name and gets an
// HttpOnly, SameSite=Strict cookie signed with a key derived from the token; scripts send
// `Authorization: Bearer <token>` and name the reviewer in `X-Reviewer`.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { UserError } from '../util/errors.js';

export const COOKIE_NAME = 'dualrec_review';
const COOKIE_MAX_AGE_S = 12 * 3600;
export const MIN_TOKEN_LENGTH = 16;

export function generateToken(): string {
  return randomBytes(24).toString('base64url');
}

export function checkTokenStrength(token: string): void {
  if (token.length < MIN_TOKEN_LENGTH) {
    throw new UserError(
      `review token: at least ${MIN_TOKEN_LENGTH} characters are needed (got ${token.length}); or leave it out and one is generated`,
    );
  }
}

/** Constant-time comparison (hash first so lengths don't leak either). */
export function tokenMatches(expected: string, given: string | undefined): boolean {
  if (!given) return false;
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(given).digest();
  return timingSafeEqual(a, b);
}

/** Reviewer names are shown to other reviewers (escaped) and stored in the audit trail. */
export function cleanReviewer(name: unknown): string | undefined {
  if (typeof name !== 'string') return undefined;
  const n = name.normalize('NFC').trim();
  // eslint-disable-next-line no-control-regex
  if (n.length < 1 || n.length > 80 || /[\u0000-\u001f\u007f]/.test(n)) return undefined;
  return n;
}

export class CookieSigner {
  private readonly key: Buffer;
  constructor(token: string) {
    this.key = createHash('sha256').update(`dualrec-review-cookie\0${token}`).digest();
  }

  private mac(payload: string): string {
    return createHmac('sha256', this.key).update(payload).digest('base64url');
  }

  issue(reviewer: string, now = Date.now()): string {
    const payload = Buffer.from(JSON.stringify({ r: reviewer, t: now })).toString('base64url');
    return `${payload}.${this.mac(payload)}`;
  }

  /** The reviewer of a valid, unexpired cookie value. */
  verify(value: string | undefined, now = Date.now()): string | undefined {
    if (!value) return undefined;
    const [payload, mac] = value.split('.');
    if (!payload || !mac) return undefined;
    const want = Buffer.from(this.mac(payload));
    const got = Buffer.from(mac);
    if (want.length !== got.length || !timingSafeEqual(want, got)) return undefined;
    try {
      const { r, t } = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { r: unknown; t: unknown };
      if (typeof t !== 'number' || now - t > COOKIE_MAX_AGE_S * 1000 || t - now > 60_000) return undefined;
      return cleanReviewer(r);
    } catch {
      return undefined;
    }
  }

  header(value: string): string {
    return `${COOKIE_NAME}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${COOKIE_MAX_AGE_S}`;
  }
}

export function clearCookieHeader(): string {
  return `${COOKIE_NAME}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`;
}

export function readCookie(header: string | undefined, name = COOKIE_NAME): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return undefined;
}
