/**
 * GET /api/ready (issue 14): 200 while the store can write and is sound, 503 while it cannot (a full or read-only
 * disk, I/O errors, a lock held past the busy timeout), is damaged, or is still being checked after the start.
 * /api/health stays the liveness answer ("the process is up"); this one says whether to send it work.
 * Also the depth check of /api/messages, whose body restify's bodyParser has parsed already.
 */
import type { ServerResponse } from 'node:http';
import { LeadDeskError, STORE_RETRY_AFTER_S } from '../leads/errors';
import { logger } from '../log';
import { MAX_JSON_DEPTH, valueDepth } from './jsonDepth';
import { sendJson } from './responses';

const log = logger('http:ready');

export interface Readiness {
  ok: boolean;
  body: Record<string, unknown>;
}

/** `check` resolves when the store can write (a real write on SQLite) and throws a coded store error otherwise. */
export function readiness(store: { backend: string; check: () => Promise<void> }): () => Promise<Readiness> {
  let last: string | undefined;
  return async () => {
    let code: string | undefined;
    try {
      await store.check();
    } catch (err) {
      code = err instanceof LeadDeskError ? err.code : 'store.failed';
    }
    if (code !== last) {
      if (code) log.warn({ code }, 'not ready');
      else if (last) log.info('ready again');
      last = code;
    }
    const status = !code ? 'ok' : code.replace(/^store\./, '');
    return {
      ok: !code,
      body: {
        status: code ? 'not-ready' : 'ready',
        store: { backend: store.backend, status, ...(code ? { code } : {}) },
      },
    };
  };
}

export function sendReadiness(res: ServerResponse, answer: Readiness): void {
  const headers: Record<string, string | number> = { 'Cache-Control': 'no-store' };
  if (!answer.ok) headers['Retry-After'] = STORE_RETRY_AFTER_S;
  sendJson(res, answer.ok ? 200 : 503, answer.body, headers);
}

/** An activity nested deeper than MAX_JSON_DEPTH: answered 400 `bot.too-deep` here, before the adapter runs. */
export function refusedTooDeep(body: unknown, res: ServerResponse): boolean {
  if (valueDepth(body, { stopAt: MAX_JSON_DEPTH }) <= MAX_JSON_DEPTH) return false;
  const err = new LeadDeskError('bot.too-deep', { limit: MAX_JSON_DEPTH });
  log.info({ code: err.code }, 'activity refused');
  sendJson(res, err.status, { error: { code: err.code, message: err.message, limit: MAX_JSON_DEPTH } });
  return true;
}
