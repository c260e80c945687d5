/**
 * GET /api/ready (issue 14): 200 while the store can write and is sound, 503 while it cannot (a full or read-only
 * disk, I/O errors, a lock held past the busy timeout), is damaged, or is still being checked after the start.
 * Also 503 until the jobs have started and from the moment a shutdown begins (issue 13: rolling deploys).
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

/** Where the process is: its jobs not started yet (the store still opening), running, or shutting down. */
export type JobsState = 'starting' | 'started' | 'stopping';

/**
 * `check` resolves when the store can write (a real write on SQLite) and throws a coded store error otherwise;
 * it is not asked once a shutdown began (the store is about to close).
 */
export function readiness(
  store: { backend: string; check: () => Promise<void> },
  jobs: () => JobsState = () => 'started',
): () => Promise<Readiness> {
  let last: string | undefined;
  return async () => {
    const state = jobs();
    let code: string | undefined;
    if (state !== 'stopping') {
      try {
        await store.check();
      } catch (err) {
        code = err instanceof LeadDeskError ? err.code : 'store.failed';
      }
    }
    const why = code ?? (state === 'started' ? undefined : `jobs ${state}`);
    if (why !== last) {
      if (why) log.warn({ code, jobs: state }, 'not ready');
      else if (last) log.info('ready again');
      last = why;
    }
    const status = state === 'stopping' ? 'closing' : !code ? 'ok' : code.replace(/^store\./, '');
    return {
      ok: !why,
      body: {
        status: why ? 'not-ready' : 'ready',
        store: { backend: store.backend, status, ...(code ? { code } : {}) },
        jobs: state,
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
