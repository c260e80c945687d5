/**
 * What every CRM client shares: one request with a time limit (Node's fetch), and how an answer maps onto the
 * handoff's outcomes as coded errors: 429 (and Retry-After) → `crm.throttled`, 5xx, 408 and no answer →
 * `crm.unavailable`, 401/403 → `crm.unauthorized` (an admin fixes it; retried with backoff), any other 4xx →
 * `crm.refused` with the CRM's own words (stops; shown on the card).
 */
import { LeadDeskError } from '../leads/errors';

/** Longest a CRM request may take; a handoff is a few requests, well inside its 60 s lease. */
const REQUEST_TIMEOUT_MS = 10_000;
/** The CRM's words on a card stay short. */
const MESSAGE_MAX = 300;

export async function send(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS), redirect: 'manual' });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name;
    throw new LeadDeskError('crm.unavailable', { detail: cause || 'no answer' }, err);
  }
}

/** Retry-After in ms (delta-seconds or an HTTP date); undefined when absent or unreadable. */
function retryAfterMs(res: Response, now = Date.now()): number | undefined {
  const v = res.headers.get('retry-after')?.trim();
  if (!v) return undefined;
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** The coded error for a failed answer; `message` is the CRM's own sentence, read from its error body. */
export function failure(res: Response, message: string): LeadDeskError {
  const status = res.status;
  if (status === 429) return new LeadDeskError('crm.throttled', { retryAfterMs: retryAfterMs(res) ?? 'a backoff' });
  if (status >= 500 || status === 408) return new LeadDeskError('crm.unavailable', { detail: `HTTP ${status}` });
  if (status === 401 || status === 403) return new LeadDeskError('crm.unauthorized', { status });
  const words = message.trim().replace(/\s+/g, ' ') || `HTTP ${status}`;
  return new LeadDeskError('crm.refused', {
    message: words.length > MESSAGE_MAX ? `${words.slice(0, MESSAGE_MAX - 1)}…` : words,
    status,
  });
}

/** The body as text, at most 64 KB read (an error page must not hold the worker). */
async function textOf(res: Response): Promise<string> {
  try {
    return (await res.text()).slice(0, 65_536);
  } catch {
    return '';
  }
}

/** The body as JSON, or undefined. */
export async function jsonOf(res: Response): Promise<unknown> {
  const text = await textOf(res);
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

/** A token and when to stop using it (a minute before it expires). */
export interface CachedToken {
  token: string;
  until: number;
}
