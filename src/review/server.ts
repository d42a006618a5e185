// `dualrec review serve`: a local HTTP server (fastify) over the store for human review. Bound to
// 127.0.0.1 unless told otherwise; every route but /login and /static needs the token. Nothing is
// served by a path taken from the URL: sessions are looked up by their opaque key, files are
// resolved inside the session's report folder and checked to stay there.
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { createReadStream, readFileSync, realpathSync, statSync } from 'node:fs';
import { extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { Logger } from 'pino';
import { z } from 'zod';
import { artefactsToFacts } from '../jobs/facts.js';
import type { Report } from '../model/index.js';
import { maskReport, maskSegments, maskValue } from '../privacy/index.js';
import { renderReportHtml } from '../report/html.js';
import { followSymlinks, isSymlink } from '../util/symlinks.js';
import { validateReport } from '../report/schema.js';
import { reportIntegrity, type ReportIntegrity } from '../integrity/report-status.js';
import {
  DECISION_KINDS,
  STATS_COLUMNS,
  STATS_TABLES,
  computeStats,
  isCurrent,
  statsTable,
  type CurrentSession,
  type QueueFilter,
  type StatsFilter,
  type StatsTable,
  type Store,
} from '../store/index.js';
import { UserError, errorMessage } from '../util/errors.js';
import { rootLogger } from '../util/log.js';
import { REVIEW_CSS, REVIEW_JS } from './assets.js';
import { CookieSigner, cleanReviewer, clearCookieHeader, readCookie, tokenMatches } from './auth.js';
import { DASHBOARD_CSS, DASHBOARD_JS, chartJsSource, dashboardPage } from './dashboard.js';
import { exportRows, tableCsv, toCsv } from './export.js';
import { loginPage, messagePage, queuePage, sessionPage, type QueueView } from './pages.js';

export interface ReviewServerOptions {
  store: Store;
  token: string;
  host?: string;
  port?: number;
}

const KEY_RE = /^[0-9a-f]{32}$/;
const REPORT_ROUTE = '/session/:key/report';
const MEDIA_TYPES: Record<string, string> = {
  '.mp4': 'video/mp4',
  '.m4v': 'video/mp4',
  '.mov': 'video/quicktime',
  '.webm': 'video/webm',
  '.mkv': 'video/x-matroska',
  '.ogg': 'audio/ogg',
  '.opus': 'audio/ogg',
  '.mp3': 'audio/mpeg',
  '.m4a': 'audio/mp4',
  '.aac': 'audio/aac',
  '.wav': 'audio/wav',
  '.flac': 'audio/flac',
  '.avi': 'video/x-msvideo',
  '.ts': 'video/mp2t',
  '.3gp': 'video/3gpp',
};
/** Files a report folder may hand out (evidence frames). */
const REPORT_FILE_TYPES: Record<string, string> = {
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.webp': 'image/webp',
};

const PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; media-src 'self'; connect-src 'self'; " +
  "form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

const DecisionBody = z.strictObject({
  runId: z.string().regex(/^[0-9a-f-]{36}$/, 'must be a run id'),
  findingIdx: z.number().int().min(0).max(100_000).optional(),
  decision: z.enum(DECISION_KINDS as [string, ...string[]]),
  comment: z.string().max(2000).default(''),
});

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    reviewer?: string;
  }
}

const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;
const VERDICTS = ['FAIL', 'REVIEW', 'PASS'] as const;

/** One optional text parameter of a filter: 1–100 characters, no control characters. */
function param(q: Record<string, unknown>, name: string): string | undefined {
  const v = q[name];
  if (v === undefined || v === '') return undefined;
  // eslint-disable-next-line no-control-regex
  if (typeof v !== 'string' || v.length > 100 || /[\u0000-\u001f\u007f]/.test(v))
    throw new HttpError(400, `${name}: 1–100 characters`);
  return v;
}

function dayParam(q: Record<string, unknown>, name: string): string | undefined {
  const v = param(q, name);
  if (v !== undefined && (!DAY_RE.test(v) || Number.isNaN(Date.parse(`${v}T00:00:00Z`))))
    throw new HttpError(400, `${name}: expected YYYY-MM-DD`);
  return v;
}

/** ?from&to&agent&region&channel&product (dashboard, /api/stats, the queue). */
function statsFilterOf(q: Record<string, unknown>): StatsFilter {
  return {
    from: dayParam(q, 'from'),
    to: dayParam(q, 'to'),
    agentId: param(q, 'agent'),
    region: param(q, 'region'),
    channel: param(q, 'channel'),
    productType: param(q, 'product'),
  };
}

/** The stats filter plus ?verdict&rule: the queue's filter (drill-down links from the dashboard). */
function queueFilterOf(q: Record<string, unknown>): QueueFilter {
  const verdict = param(q, 'verdict');
  if (verdict !== undefined && !(VERDICTS as readonly string[]).includes(verdict))
    throw new HttpError(400, 'verdict: FAIL, REVIEW or PASS');
  const f: QueueFilter = { ...statsFilterOf(q), verdict: verdict as QueueFilter['verdict'], ruleId: param(q, 'rule') };
  for (const k of Object.keys(f) as (keyof QueueFilter)[]) if (f[k] === undefined) delete f[k];
  return f;
}

function asOfOf(q: Record<string, unknown>): Date | undefined {
  const v = param(q, 'asOf');
  if (v === undefined) return undefined;
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) throw new HttpError(400, 'asOf: an ISO date/time');
  return d;
}

function wantsHtml(req: FastifyRequest): boolean {
  return !req.url.startsWith('/api/') && !req.url.startsWith('/media/');
}

/** A local path after login: starts with one '/', no scheme, no '//' (no open redirect). */
function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/(?![/\\])[\x21-\x7e]*$/.test(next) ? next : '/';
}

/** What the routes share: the store, the token and the cookies it signs, the log. */
interface ReviewContext {
  store: Store;
  token: string;
  signer: CookieSigner;
  log: Logger;
}

export function buildReviewServer(opts: ReviewServerOptions): FastifyInstance {
  const { store, token } = opts;
  const ctx: ReviewContext = {
    store,
    token,
    signer: new CookieSigner(token),
    log: rootLogger().child({ component: 'review' }),
  };
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024, routerOptions: { ignoreTrailingSlash: true } });
  registerGuards(app, ctx);
  registerStaticRoutes(app);
  registerLoginRoutes(app, ctx);
  registerPageRoutes(app, ctx);
  registerReportRoutes(app, ctx);
  registerApiRoutes(app, ctx);
  return app;
}

/** Form bodies, security headers, the token check on every route but /login and /static, error pages. */
function registerGuards(app: FastifyInstance, { token, signer, log }: ReviewContext): void {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });

  app.addHook('onSend', async (req, reply, payload) => {
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('X-Frame-Options', 'DENY');
    reply.header('Referrer-Policy', 'no-referrer');
    reply.header('Cache-Control', 'no-store');
    // the re-rendered report carries its own (stricter) CSP in a meta tag
    if (!reply.getHeader('Content-Security-Policy') && req.routeOptions.url !== REPORT_ROUTE)
      reply.header('Content-Security-Policy', PAGE_CSP);
    return payload;
  });

  app.addHook('onRequest', async (req, reply) => {
    const path = req.url.split('?')[0];
    if (path === '/login' || path.startsWith('/static/')) return;
    const auth = req.headers.authorization;
    if (auth?.startsWith('Bearer ')) {
      if (!tokenMatches(token, auth.slice(7).trim())) throw new HttpError(401, 'wrong token');
      const reviewer = cleanReviewer(req.headers['x-reviewer'] ?? 'api');
      if (!reviewer) throw new HttpError(400, 'X-Reviewer: 1–80 characters, no control characters');
      req.reviewer = reviewer;
      return;
    }
    const reviewer = signer.verify(readCookie(req.headers.cookie));
    if (reviewer) {
      req.reviewer = reviewer;
      return;
    }
    if (wantsHtml(req)) {
      return reply
        .code(401)
        .type('text/html; charset=utf-8')
        .send(loginPage({ next: safeNext(req.url) }));
    }
    throw new HttpError(401, 'log in with the review token (cookie) or send Authorization: Bearer <token>');
  });

  app.setErrorHandler((err: Error & { statusCode?: number; validation?: unknown }, req, reply) => {
    const status = err instanceof HttpError ? err.status : err instanceof UserError ? 400 : (err.statusCode ?? 500);
    if (status >= 500) log.error({ err: errorMessage(err), url: req.url.split('?')[0] }, 'review server error');
    const message = status >= 500 ? 'internal error' : errorMessage(err);
    if (wantsHtml(req))
      return reply
        .code(status)
        .type('text/html; charset=utf-8')
        .send(messagePage(`HTTP ${status}`, message, req.reviewer));
    return reply.code(status).send({ error: message });
  });
  app.setNotFoundHandler((req, reply) => {
    if (wantsHtml(req))
      return reply
        .code(404)
        .type('text/html; charset=utf-8')
        .send(messagePage('HTTP 404', 'not found', req.reviewer));
    return reply.code(404).send({ error: 'not found' });
  });
}

async function sessionFor(store: Store, keyParam: unknown): Promise<CurrentSession> {
  if (typeof keyParam !== 'string' || !KEY_RE.test(keyParam)) throw new HttpError(400, 'not a session key');
  const s = await store.getSession(keyParam);
  if (!isCurrent(s)) throw new HttpError(404, 'no such session');
  return s;
}

function mediaFile(s: CurrentSession): string | undefined {
  if (!s.recording || !MEDIA_TYPES[extname(s.recording).toLowerCase()]) return undefined;
  // a recording replaced by a symbolic link (to any file on the machine) is not served
  if (!followSymlinks() && isSymlink(s.recording)) return undefined;
  try {
    return statSync(s.recording).isFile() ? s.recording : undefined;
  } catch {
    return undefined;
  }
}

/**
 * report.json as it is on disk, with what its signature and the store say about it; report undefined
 * when it is missing or unreadable. An edited report is still shown, under a banner, never as valid.
 */
function storedReport(s: CurrentSession): { report?: Report; integrity: ReportIntegrity } {
  const integrity = reportIntegrity(s.reportDir, s.run.reportJsonSha256);
  try {
    const bytes = readFileSync(join(s.reportDir, 'report.json'));
    const report = JSON.parse(bytes.toString('utf8')) as unknown;
    return { report: validateReport(report).ok ? (report as Report) : undefined, integrity };
  } catch {
    return { integrity };
  }
}

function registerStaticRoutes(app: FastifyInstance): void {
  app.get('/static/review.css', async (_req, reply) => reply.type('text/css; charset=utf-8').send(REVIEW_CSS));
  app.get('/static/review.js', async (_req, reply) => reply.type('text/javascript; charset=utf-8').send(REVIEW_JS));
  app.get('/static/dashboard.css', async (_req, reply) => reply.type('text/css; charset=utf-8').send(DASHBOARD_CSS));
  app.get('/static/dashboard.js', async (_req, reply) =>
    reply.type('text/javascript; charset=utf-8').send(DASHBOARD_JS),
  );
  // Chart.js (MIT) from node_modules, served from here: no CDN, and the CSP's script-src 'self' covers it.
  app.get('/static/chart.umd.min.js', async (_req, reply) =>
    reply.type('text/javascript; charset=utf-8').send(chartJsSource()),
  );
}

function registerLoginRoutes(app: FastifyInstance, { token, signer, log }: ReviewContext): void {
  app.get('/login', async (req, reply) => {
    const q = req.query as Record<string, unknown>;
    return reply.type('text/html; charset=utf-8').send(loginPage({ next: safeNext(q.next) }));
  });

  app.post('/login', async (req, reply) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const next = safeNext(body.next);
    const reviewer = cleanReviewer(body.reviewer);
    if (typeof body.token !== 'string' || !tokenMatches(token, body.token)) {
      log.warn({ ip: req.ip }, 'review login with a wrong token');
      return reply
        .code(401)
        .type('text/html; charset=utf-8')
        .send(loginPage({ error: '令牌不正确 wrong token', next }));
    }
    if (!reviewer) {
      return reply
        .code(400)
        .type('text/html; charset=utf-8')
        .send(loginPage({ error: '请填写复核人姓名（1–80 字）reviewer name needed', next }));
    }
    return reply.header('Set-Cookie', signer.header(signer.issue(reviewer))).redirect(next, 303);
  });

  app.post('/logout', async (_req, reply) => reply.header('Set-Cookie', clearCookieHeader()).redirect('/login', 303));
}

/** The review queue, the dashboard and a session's page. */
function registerPageRoutes(app: FastifyInstance, { store }: ReviewContext): void {
  app.get('/', async (req, reply) => {
    const q = req.query as Record<string, unknown>;
    const view: QueueView = q.show === 'decided' || q.show === 'all' ? q.show : 'open';
    const filter = queueFilterOf(q);
    const all = await store.queue({ includeDecided: view !== 'open', filter });
    const items = view === 'decided' ? all.filter((i) => i.decision) : all;
    return reply.type('text/html; charset=utf-8').send(queuePage(items, req.reviewer!, view, filter));
  });

  app.get('/dashboard', async (req, reply) => {
    const q = req.query as Record<string, unknown>;
    const filter = statsFilterOf(q);
    const stats = await computeStats(store, { filter, asOf: asOfOf(q) });
    const distinct = async (col: string) =>
      (
        await store.query(
          `SELECT DISTINCT ${col} AS v FROM sessions WHERE current_run_id IS NOT NULL AND ${col} IS NOT NULL ORDER BY ${col} LIMIT 5000`,
        )
      )
        .map((r) => String(r.v))
        .sort();
    const choices = {
      agents: await distinct('agent_id'),
      regions: await distinct('region'),
      channels: await distinct('channel'),
      products: await distinct('product_type'),
    };
    const period = q.period === 'week' ? 'week' : 'day';
    return reply
      .type('text/html; charset=utf-8')
      .send(dashboardPage({ stats, period, reviewer: req.reviewer!, choices, asOf: param(q, 'asOf') }));
  });

  app.get('/session/:key', async (req, reply) => {
    const s = await sessionFor(store, (req.params as { key: string }).key);
    const facts = artefactsToFacts(await store.runArtefacts(s.run.id));
    const page = sessionPage({
      session: s,
      // the store keeps the verbatim transcript (re-scoring needs it); reviewers see it masked
      findings: maskValue(await store.findingsOf(s.run.id), facts?.transcript?.segments),
      decisions: await store.decisions({ sessionKey: s.key, includeSuperseded: true }),
      segments: maskSegments(facts?.transcript?.segments ?? []),
      hasMedia: !!mediaFile(s),
      ...(({ report, integrity }) => ({ reportOk: !!report && integrity.ok, reportShown: !!report, integrity }))(
        storedReport(s),
      ),
      reviewer: req.reviewer!,
    });
    return reply.type('text/html; charset=utf-8').send(page);
  });
}

/** A session's report, the files in its report folder and its recording. */
function registerReportRoutes(app: FastifyInstance, { store, log }: ReviewContext): void {
  // The auditor's report page, re-rendered from the stored report.json with the video served from here.
  app.get(REPORT_ROUTE, async (req, reply) => {
    const s = await sessionFor(store, (req.params as { key: string }).key);
    const { report, integrity } = storedReport(s);
    if (!report) throw new HttpError(409, `the report on disk is missing or unreadable (${integrity.message})`);
    const videoHref = mediaFile(s) && report.media?.probe.video.length ? `/media/${s.key}` : undefined;
    // masked again: a report written before masking existed is still shown masked
    const integrityWarning = integrity.ok ? undefined : { title: integrity.title, text: integrity.message };
    if (!integrity.ok)
      log.warn({ session: s.key, problem: integrity.problem }, 'report shown with an integrity warning');
    return reply
      .header('X-Dualrec-Report-Integrity', integrity.ok ? 'valid' : integrity.problem)
      .type('text/html; charset=utf-8')
      .send(renderReportHtml(maskReport(report), { videoHref, integrityWarning }));
  });

  // Evidence frames and other images inside the report folder.
  app.get('/session/:key/*', async (req, reply) => {
    const s = await sessionFor(store, (req.params as { key: string }).key);
    const rel = (req.params as Record<string, string>)['*'] ?? '';
    const segments = rel.split('/');
    if (
      !rel ||
      isAbsolute(rel) ||
      rel.includes('\\') ||
      rel.includes('\0') ||
      segments.some((p) => p === '..' || p === '.' || p === '')
    ) {
      throw new HttpError(400, 'bad file path');
    }
    const type = REPORT_FILE_TYPES[extname(rel).toLowerCase()];
    if (!type) throw new HttpError(404, 'not found');
    const root = resolve(s.reportDir);
    const file = resolve(root, rel);
    let real: string;
    try {
      real = realpathSync(file);
      const realRoot = realpathSync(root);
      if (relative(realRoot, real).startsWith('..') || !real.startsWith(realRoot + sep))
        throw new HttpError(400, 'bad file path');
      if (!statSync(real).isFile()) throw new HttpError(404, 'not found');
    } catch (err) {
      if (err instanceof HttpError) throw err;
      throw new HttpError(404, 'not found');
    }
    return reply.type(type).send(createReadStream(real));
  });

  // The recording, with byte ranges so the player can seek.
  app.get('/media/:key', async (req, reply) => {
    const s = await sessionFor(store, (req.params as { key: string }).key);
    const file = mediaFile(s);
    if (!file) throw new HttpError(404, 'no playable recording for this session');
    return sendRange(req, reply, file, MEDIA_TYPES[extname(file).toLowerCase()]!);
  });
}

/** The JSON and CSV API: queue, sessions, decisions, stats, exports. */
function registerApiRoutes(app: FastifyInstance, { store, log }: ReviewContext): void {
  app.get('/api/queue', async (req) => {
    const q = req.query as Record<string, unknown>;
    const items = await store.queue({ includeDecided: q.all === '1' || q.all === 'true', filter: queueFilterOf(q) });
    return {
      items: items.map(({ session: s, enteredAt, decision }) => ({
        key: s.key,
        sessionId: s.sessionId,
        name: s.name,
        relDir: s.relDir,
        verdict: s.run.verdict,
        risk: s.run.risk,
        productType: s.productType,
        channel: s.channel,
        agentId: s.agentId,
        region: s.region,
        recordedOn: s.recordedOn,
        runId: s.run.id,
        enteredAt,
        decision,
      })),
    };
  });

  app.get('/api/sessions/:key', async (req) => {
    const s = await sessionFor(store, (req.params as { key: string }).key);
    return {
      session: s,
      findings: maskValue(await store.findingsOf(s.run.id)),
      decisions: await store.decisions({ sessionKey: s.key, includeSuperseded: true }),
    };
  });

  app.post('/api/sessions/:key/decisions', async (req, reply) => {
    const s = await sessionFor(store, (req.params as { key: string }).key);
    if (!String(req.headers['content-type'] ?? '').startsWith('application/json'))
      throw new HttpError(415, 'send JSON');
    const parsed = DecisionBody.safeParse(req.body);
    if (!parsed.success) {
      const i = parsed.error.issues[0]!;
      throw new HttpError(400, `${i.path.join('.') || 'body'}: ${i.message}`);
    }
    const b = parsed.data;
    if (b.runId !== s.run.id)
      throw new HttpError(409, 'this session was re-analyzed since the page was loaded: reload it');
    if (b.decision === 'overturn' && !b.comment.trim())
      throw new HttpError(400, 'comment: say why the finding is overturned');
    const rec = await store.addDecision({
      sessionKey: s.key,
      runId: b.runId,
      findingIdx: b.findingIdx,
      decision: b.decision as (typeof DECISION_KINDS)[number],
      comment: b.comment.trim(),
      reviewer: req.reviewer!,
    });
    log.info(
      { session: s.key, decision: rec.decision, finding: rec.findingIdx ?? 'session', seq: rec.seq },
      'review decision recorded',
    );
    return reply.code(201).send(rec);
  });

  // The dashboard's figures: per day, week, agent, region, channel, product and rule (same filter parameters).
  app.get('/api/stats', async (req) => {
    const q = req.query as Record<string, unknown>;
    return computeStats(store, { filter: statsFilterOf(q), asOf: asOfOf(q) });
  });
  app.get('/api/stats.csv', async (req, reply) => {
    const q = req.query as Record<string, unknown>;
    const table = (q.table ?? 'rules') as StatsTable;
    if (!(STATS_TABLES as readonly unknown[]).includes(table))
      throw new HttpError(400, `table: one of ${STATS_TABLES.join(', ')}`);
    const st = await computeStats(store, { filter: statsFilterOf(q), asOf: asOfOf(q) });
    return reply
      .type('text/csv; charset=utf-8')
      .header('Content-Disposition', `attachment; filename="dualrec-stats-${table}.csv"`)
      .send(tableCsv(STATS_COLUMNS[table], statsTable(st, table)));
  });

  app.get('/api/decisions.json', async (req) => {
    const q = req.query as Record<string, unknown>;
    return { decisions: await exportRows(store, { includeSuperseded: q.current !== '1' }) };
  });
  app.get('/api/decisions.csv', async (req, reply) => {
    const q = req.query as Record<string, unknown>;
    const csv = toCsv(await exportRows(store, { includeSuperseded: q.current !== '1' }));
    return reply
      .type('text/csv; charset=utf-8')
      .header('Content-Disposition', 'attachment; filename="dualrec-decisions.csv"')
      .send(csv);
  });
}

function sendRange(req: FastifyRequest, reply: FastifyReply, file: string, type: string) {
  const size = statSync(file).size;
  reply.header('Accept-Ranges', 'bytes').type(type);
  const range = req.headers.range;
  if (!range) return reply.header('Content-Length', size).send(createReadStream(file));
  const m = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
  let start: number;
  let end: number;
  if (m && m[1] !== '') {
    start = Number(m[1]);
    end = m[2] !== '' ? Math.min(Number(m[2]), size - 1) : size - 1;
  } else if (m && m[2] !== '') {
    start = Math.max(0, size - Number(m[2])); // suffix range: the last N bytes
    end = size - 1;
  } else {
    start = NaN;
    end = NaN;
  }
  if (!Number.isFinite(start) || !Number.isFinite(end) || start > end || start >= size) {
    return reply.code(416).header('Content-Range', `bytes */${size}`).send();
  }
  return reply
    .code(206)
    .header('Content-Range', `bytes ${start}-${end}/${size}`)
    .header('Content-Length', end - start + 1)
    .send(createReadStream(file, { start, end }));
}

export interface RunningServer {
  url: string;
  app: FastifyInstance;
  close(): Promise<void>;
}

export async function startReviewServer(opts: ReviewServerOptions): Promise<RunningServer> {
  const app = buildReviewServer(opts);
  const host = opts.host ?? '127.0.0.1';
  await app.listen({ host, port: opts.port ?? 8717 });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : opts.port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return { url: `http://${shownHost}:${port}`, app, close: () => app.close() };
}
