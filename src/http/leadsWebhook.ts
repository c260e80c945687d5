/**
 * POST /api/leads — the Partner Center "HTTPS endpoint" lead destination.
 * auth (?code= or Bearer, constant time) → size limit → JSON → intake (typed LeadDraft) → stored (src/intake) → 202.
 * The same payload again answers 200 with the same id; a new signal for an open lead merges into it.
 */
import { timingSafeEqual, createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseLeadPayload } from '../leads/intake';
import { LeadDeskError, isCoded, toCoded } from '../leads/errors';
import type { Intake } from '../intake/receive';
import { addLogContext, logger } from '../log';
import { MAX_JSON_DEPTH, textDepth, valueDepth } from './jsonDepth';
import { sendError, sendJson } from './responses';

const log = logger('http:leads');

const MAX_BODY_BYTES = 64 * 1024;
/** What a 503 (store unavailable or damaged) asks the sender to wait before retrying. */

export interface LeadsWebhookDeps {
  secret: string;
  /** The intake use case (src/intake): stores the lead and hands its card to the outbox. */
  intake: Pick<Intake, 'receive'>;
  now?: () => Date;
}

/** Plain Node request/response: restify's are compatible, and tests need no server to drive it. */
export function leadsWebhook(deps: LeadsWebhookDeps) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      if (!authorized(req, deps.secret)) throw new LeadDeskError('webhook.unauthorized');
      const type = String(req.headers['content-type'] ?? '');
      if (type && !/json|text\/plain/i.test(type))
        throw new LeadDeskError('webhook.unsupported-media', { got: type.split(';')[0] });
      const text = await readBody(req, MAX_BODY_BYTES);
      // Before anything parses or stores it: a 10,000-level body must not reach a recursive walk or SQLite's JSON.
      if (textDepth(text, MAX_JSON_DEPTH) > MAX_JSON_DEPTH)
        throw new LeadDeskError('webhook.too-deep', { limit: MAX_JSON_DEPTH });
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch (err) {
        throw new LeadDeskError('webhook.not-json', {
          detail: (err as Error).message.replace(/\s+/g, ' ').slice(0, 120),
        });
      }
      if (valueDepth(body, { stopAt: MAX_JSON_DEPTH, jsonIn: 'CustomerInfo' }) > MAX_JSON_DEPTH)
        throw new LeadDeskError('webhook.too-deep', { limit: MAX_JSON_DEPTH });
      const now = deps.now?.() ?? new Date();
      const parsed = parseLeadPayload(body, now.toISOString());
      if (!parsed.ok) throw parsed.error;
      const { outcome, lead } = await deps.intake.receive(parsed.draft, now);
      addLogContext({ leadId: lead.id });
      log.info(
        {
          leadId: lead.id,
          outcome,
          action: lead.source.actionCode,
          storefront: lead.source.storefront,
          test: lead.isTest,
        },
        'lead received',
      );
      const status = outcome === 'duplicate' ? 200 : 202;
      sendJson(res, status, {
        id: lead.id,
        status: outcome === 'duplicate' ? 'duplicate' : outcome === 'merged' ? 'merged' : 'accepted',
      });
    } catch (err) {
      const coded = toCoded(err);
      if (coded.status >= 500) log.error({ code: coded.code, err: errText(coded.innerError) }, 'webhook failed');
      else log.info({ code: coded.code, status: coded.status }, 'webhook refused');
      // A 503 carries Retry-After: Partner Center retries later (a full disk is not the lead's fault).
      sendError(res, coded, { details: pick(coded.details, ['field', 'fields', 'limit']) });
      if (isCoded(coded, 'webhook.too-large')) req.resume();
    }
  };
}

/** The webhook secret as `?code=` or `Authorization: Bearer`, compared in constant time (also /api/personal-data). */
export function authorized(req: IncomingMessage, secret: string): boolean {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const header = String(req.headers.authorization ?? '');
  const given =
    url.searchParams.get('code') ?? (header.toLowerCase().startsWith('bearer ') ? header.slice(7).trim() : '');
  // Hash both sides so the comparison is constant-time whatever the lengths.
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(secret).digest();
  return given.length > 0 && timingSafeEqual(a, b);
}

/** The request body as text, at most `limit` bytes (else webhook.too-large). */
export function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit)
    return Promise.reject(new LeadDeskError('webhook.too-large', { limit }));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        done = true;
        reject(new LeadDeskError('webhook.too-large', { limit }));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!done) {
        done = true;
        resolve(Buffer.concat(chunks).toString('utf8'));
      }
    });
    req.on('error', (err) => {
      if (!done) {
        done = true;
        reject(new LeadDeskError('webhook.not-json', { detail: 'the request body could not be read' }, err));
      }
    });
  });
}

function pick(o: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k, o[k]]));
}

function errText(err: unknown): string | undefined {
  return err ? String((err as { code?: unknown }).code ?? (err as Error).name ?? 'error') : undefined;
}
