/**
 * Who may post to /api/messages, decided before the bot runs. The Bot Framework token is checked by the SDK
 * (ConfigurationBotFrameworkAuthentication) within a deadline, and its failures are sorted: a token that is missing,
 * forged, expired or meant for another bot is the caller's problem (401 bot.unauthorized); signing keys that cannot be
 * fetched are ours (503 bot.keys-unavailable, retry). Without an app id (local mode) the bot talks only to a channel
 * on this machine, so an activity cannot make it call out to an address the caller picked.
 */
import type { Activity, Request, Response } from 'botbuilder';
import { validateAndFixActivity } from 'botbuilder/lib/activityValidator';
import {
  AuthenticationError,
  type AuthenticateRequestResult,
  type BotFrameworkAuthentication,
} from 'botframework-connector';
import { LeadDeskError, retryAfterSeconds } from '../leads/errors';

/** The token check (keys fetched on first use and daily) must end by then, else 503: Teams retries. */
const AUTH_DEADLINE_MS = 3000;

/** The request body as an activity (its timestamps parsed, as CloudAdapter does); a coded 400 if it is not one. */
export function readActivity(req: Request): Activity {
  const body = req.body as unknown;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new LeadDeskError('bot.bad-activity');
  const type = (body as { type?: unknown }).type;
  if (typeof type !== 'string' || !type) throw new LeadDeskError('bot.bad-activity');
  return validateAndFixActivity(body as Activity);
}

/** The SDK's check of the request's token, or a coded 401 / 503 / 403 (local mode, remote channel). */
export async function authenticate(
  auth: BotFrameworkAuthentication,
  activity: Activity,
  req: Request,
  localOnly: boolean,
): Promise<AuthenticateRequestResult> {
  const header = req.headers.authorization ?? req.headers.Authorization ?? '';
  let result: AuthenticateRequestResult;
  try {
    result = await withDeadline(
      auth.authenticateRequest(activity, Array.isArray(header) ? header[0] : header),
      AUTH_DEADLINE_MS,
    );
  } catch (err) {
    if (keysUnavailable(err)) throw new LeadDeskError('bot.keys-unavailable', {}, err);
    throw new LeadDeskError('bot.unauthorized', {}, err);
  }
  if (localOnly && !isLoopbackUrl(activity.serviceUrl)) throw new LeadDeskError('bot.local-channel-only');
  return result;
}

/** A coded error as the JSON body every endpoint uses, with the headers its status calls for. */
export function refuse(res: Response, err: LeadDeskError): void {
  res.status(err.status);
  if (err.status === 401) res.header('WWW-Authenticate', 'Bearer realm="lead-desk"');
  const retryAfter = retryAfterSeconds(err);
  if (retryAfter !== undefined) res.header('Retry-After', String(retryAfter));
  res.send({ error: { code: err.code, message: err.message } });
  res.end();
}

class DeadlineExceeded extends Error {
  override name = 'DeadlineExceeded';
}

function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineExceeded()), ms);
  });
  work.catch(() => undefined); // a check that fails after the deadline is no unhandled rejection
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/**
 * The OpenID metadata or key set did not load: no answer in time, a network error (node-fetch's FetchError, a
 * system error code), or the SDK's own "Failed to load …" AuthenticationError, which carries a 5xx status.
 */
function keysUnavailable(err: unknown): boolean {
  if (err instanceof DeadlineExceeded) return true;
  if (AuthenticationError.isStatusCodeError(err)) return err.statusCode >= 500;
  const e = err as { name?: unknown; code?: unknown };
  return e?.name === 'FetchError' || (typeof e?.code === 'string' && /^E[A-Z]+$/.test(e.code));
}

function isLoopbackUrl(url: string | undefined): boolean {
  let host: string;
  try {
    host = new URL(url ?? '').hostname;
  } catch {
    return false;
  }
  return host === 'localhost' || host === '[::1]' || /^127(?:\.\d{1,3}){3}$/.test(host);
}
