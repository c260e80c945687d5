/**
 * GET /api/pipeline (JSON summary) and GET /api/pipeline.csv (the leads behind it, for a CRM import): the API of
 * the Pipeline tab. Query: range=<RANGE_NAME>&storefront=appsource|azure&offer=<text>, parsed once here.
 *
 * Who may call (`PipelineAuth`):
 * | MicrosoftAppId | request                                   | answer                          |
 * |----------------|-------------------------------------------|---------------------------------|
 * | set            | no / bad / expired / wrong-audience token | 401 pipeline.unauthorized       |
 * | set            | good Teams SSO token, oid not a manager   | 403 pipeline.forbidden          |
 * | set            | good token of a manager                   | 200                             |
 * | unset (local)  | the local access key (localAccess.ts)     | 200                             |
 * | unset (local)  | without it, wherever it comes from        | 403 pipeline.local-key          |
 * The key does not depend on where a request seems to come from: a reverse proxy or tunnel connects from loopback.
 * Entra's keys that cannot be fetched (in time) are our problem: 503 pipeline.keys-unavailable with Retry-After.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { LeadDeskError, toCoded } from '../leads/errors';
import { isManager } from '../leads/roles';
import { RANGE_NAMES, type RangeName } from '../leads/ranges';
import { leadsCsv } from '../reports/csv';
import { hasLocalKey, LOCAL_KEY_PARAM } from './localAccess';
import type { Pipeline, PipelineQuery } from '../reports/pipeline';
import { logger } from '../log';
import { PRIVATE, sendError, sendText } from './responses';

const log = logger('http:pipeline');

/** What the handlers need of reports/pipeline's Pipeline (tests hand in a small fake). */
export type PipelineReader = Pick<Pipeline, 'summary' | 'leads'>;

export type PipelineCaller = { kind: 'local' } | { kind: 'sso'; oid: string; tid: string };
/** Resolves to the caller, or rejects with a coded pipeline.* error. */
export type PipelineAuth = (req: IncomingMessage) => Promise<PipelineCaller>;

const MAX_OFFER_CHARS = 100;
const PARAMS = ['range', 'storefront', 'offer'];

// ---------------------------------------------------------------------------------------------------------
// The query

/** The query string → a PipelineQuery; throws a coded 400 naming the bad parameter. */
export function parsePipelineQuery(search: URLSearchParams): PipelineQuery {
  for (const name of new Set(search.keys())) {
    if (!PARAMS.includes(name) || search.getAll(name).length > 1)
      throw new LeadDeskError('pipeline.bad-parameter', { name: JSON.stringify(name.slice(0, 40)) });
  }
  const q: PipelineQuery = {};
  const range = search.get('range')?.trim().toLowerCase();
  if (range) {
    if (!(RANGE_NAMES as readonly string[]).includes(range))
      throw new LeadDeskError('pipeline.bad-range', { allowed: RANGE_NAMES.join(', '), got: range.slice(0, 40) });
    q.range = range as RangeName;
  }
  const storefront = search.get('storefront')?.trim().toLowerCase();
  if (storefront === 'appsource') q.storefront = 'AppSource';
  else if (storefront === 'azure') q.storefront = 'AzureMarketplace';
  else if (storefront && storefront !== 'all')
    throw new LeadDeskError('pipeline.bad-storefront', { got: storefront.slice(0, 40) });
  const offer = search.get('offer')?.trim();
  if (offer && offer.length > MAX_OFFER_CHARS) throw new LeadDeskError('pipeline.bad-offer', { max: MAX_OFFER_CHARS });
  if (offer) q.offer = offer;
  return q;
}

// ---------------------------------------------------------------------------------------------------------
// The handlers

export interface PipelineApiDeps {
  pipeline: PipelineReader;
  auth: PipelineAuth;
}

type NodeHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export function pipelineApi(deps: PipelineApiDeps): { summary: NodeHandler; csv: NodeHandler } {
  const handle =
    (what: 'summary' | 'csv', run: (q: PipelineQuery, res: ServerResponse) => Promise<void>): NodeHandler =>
    async (req, res) => {
      try {
        await deps.auth(req);
        const search = new URL(req.url ?? '/', 'http://localhost').searchParams;
        search.delete(LOCAL_KEY_PARAM);
        await run(parsePipelineQuery(search), res);
      } catch (err) {
        const coded = toCoded(err);
        if (coded.status >= 500)
          log.error(
            { code: coded.code, what, err: (coded.innerError as Error | undefined)?.name },
            'pipeline request failed',
          );
        else log.info({ code: coded.code, status: coded.status, what }, 'pipeline request refused');
        sendError(res, coded, { headers: PRIVATE });
      }
    };

  return {
    summary: handle('summary', async (q, res) => {
      const answer = await deps.pipeline.summary(q);
      sendPrivate(res, 200, 'application/json; charset=utf-8', JSON.stringify(answer));
    }),
    csv: handle('csv', async (q, res) => {
      const leads = await deps.pipeline.leads(q);
      log.info({ rows: leads.length, range: q.range ?? 'default' }, 'pipeline csv');
      const name = `lead-desk-pipeline-${q.range ?? 'this-week'}.csv`;
      sendPrivate(res, 200, 'text/csv; charset=utf-8; header=present', leadsCsv(leads), {
        'Content-Disposition': `attachment; filename="${name}"`,
      });
    }),
  };
}

/** Contact data and manager-only numbers: never kept by a browser or proxy cache. */
function sendPrivate(
  res: ServerResponse,
  status: number,
  type: string,
  text: string,
  headers: Record<string, string> = {},
): void {
  sendText(res, status, type, text, { ...PRIVATE, ...headers });
}

// ---------------------------------------------------------------------------------------------------------
// Who may call

/** Local mode (no MicrosoftAppId): whoever has the local access key (DATA_DIR/local-key). */
export function localKeyOnly(key: string): PipelineAuth {
  return async (req) => {
    if (!hasLocalKey(req, key)) throw new LeadDeskError('pipeline.local-key');
    return { kind: 'local' };
  };
}

const ENTRA_KEYS_URL = 'https://login.microsoftonline.com/common/discovery/v2.0/keys';
/** Entra's key set must load by then (jose's default is 5 s), else 503: the tab's request is answered in time. */
const KEYS_TIMEOUT_MS = 3000;

export interface TeamsSsoOptions {
  /** The bot's (and the tab's) Entra app id: the token's audience is this or api://<host>/<appId>. */
  appId: string;
  /** SingleTenant: only tokens of this tenant. Unset: any tenant (the caller must still be a manager). */
  tenantId?: string;
  /**
   * Entra object ids (`oid`) of the managers, or how to read them now (MANAGER_IDS and every team's managers: a
   * manager of any team counts); Teams ids (29:…) in the list cannot match a token.
   */
  managerIds: ManagerIds;
  /** Signing keys; default the key set at keysUrl (cached and refreshed by jose). */
  getKey?: JWTVerifyGetKey;
  /** Where the signing keys are published; default Entra ID's (tests serve their own on 127.0.0.1). */
  keysUrl?: string;
  now?: () => Date;
}

/** The managers' ids as a list, or a function that reads them when a request comes. */
export type ManagerIds = readonly string[] | (() => Promise<readonly string[]>);

/** Teams SSO: the tab's `authentication.getAuthToken()` token, checked against Entra ID's keys, of a manager. */
export function teamsSso(opts: TeamsSsoOptions): PipelineAuth {
  const getKey =
    opts.getKey ?? createRemoteJWKSet(new URL(opts.keysUrl ?? ENTRA_KEYS_URL), { timeoutDuration: KEYS_TIMEOUT_MS });
  const audience = new RegExp(
    `^(?:${escapeRe(opts.appId)}|api://[A-Za-z0-9.-]+(?::\\d+)?/${escapeRe(opts.appId)})$`,
    'i',
  );
  return async (req) => {
    const header = String(req.headers.authorization ?? '');
    const token = /^bearer\s+(\S+)$/i.exec(header.trim())?.[1];
    if (!token) throw new LeadDeskError('pipeline.unauthorized', { detail: 'no token was sent' });
    let claims: JWTPayload;
    try {
      ({ payload: claims } = await jwtVerify(token, getKey, {
        algorithms: ['RS256'],
        requiredClaims: ['exp', 'iss', 'aud', 'tid', 'oid'],
        clockTolerance: 60,
        currentDate: opts.now?.(),
      }));
    } catch (err) {
      if (keysUnavailable(err)) throw new LeadDeskError('pipeline.keys-unavailable', {}, err);
      throw new LeadDeskError('pipeline.unauthorized', { detail: joseDetail(err) }, err);
    }
    const tid = String(claims.tid);
    const oid = String(claims.oid);
    if (
      claims.iss !== `https://login.microsoftonline.com/${tid}/v2.0` &&
      claims.iss !== `https://sts.windows.net/${tid}/`
    ) {
      throw new LeadDeskError('pipeline.unauthorized', {
        detail: 'the token was not issued by Microsoft Entra ID for its tenant',
      });
    }
    if (opts.tenantId && tid.toLowerCase() !== opts.tenantId.toLowerCase())
      throw new LeadDeskError('pipeline.unauthorized', { detail: 'the token is from another tenant' });
    const auds = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!auds.some((a) => typeof a === 'string' && audience.test(a)))
      throw new LeadDeskError('pipeline.unauthorized', { detail: 'the token is meant for another app' });
    const managerIds = typeof opts.managerIds === 'function' ? await opts.managerIds() : opts.managerIds;
    if (!isManager({ aadObjectId: oid }, managerIds)) throw new LeadDeskError('pipeline.forbidden');
    return { kind: 'sso', oid, tid };
  };
}

/** main's choice: Teams SSO when the bot has an app id, else the local access key. */
export function pipelineAuth(
  bot: { appId: string; appType: string; tenantId: string; anonymous: boolean; ssoAppId?: string },
  managerIds: ManagerIds,
  localKey: string | undefined,
): PipelineAuth {
  if (bot.anonymous) {
    if (!localKey) throw new Error('local mode needs the local access key (config.localKey)');
    return localKeyOnly(localKey);
  }
  return teamsSso({
    // A UserAssignedMSI bot cannot expose an API: the tab signs in to its own Entra app (SSO_APP_ID).
    appId: bot.ssoAppId ?? bot.appId,
    tenantId: bot.appType === 'MultiTenant' ? undefined : bot.tenantId,
    managerIds,
  });
}

/** Entra's key set did not load (timeout, non-200, network error): our problem, not the caller's. */
function keysUnavailable(err: unknown): boolean {
  if (err instanceof joseErrors.JWKSTimeout) return true;
  if (err instanceof joseErrors.JOSEError)
    return err.code === 'ERR_JOSE_GENERIC' && /JSON Web Key Set/.test(err.message);
  return !(err instanceof TypeError);
}

function joseDetail(err: unknown): string {
  if (err instanceof joseErrors.JWTExpired) return 'the token has expired';
  if (err instanceof joseErrors.JWTClaimValidationFailed) return `its ${err.claim} claim is missing or wrong`;
  if (err instanceof joseErrors.JWKSNoMatchingKey || err instanceof joseErrors.JWSSignatureVerificationFailed)
    return 'the token is not signed by Microsoft Entra ID';
  if (err instanceof joseErrors.JOSEAlgNotAllowed) return 'the token is not signed with RS256';
  return 'the token is not a valid JWT';
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
