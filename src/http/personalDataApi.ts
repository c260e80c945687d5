/**
 * POST /api/personal-data/erase and POST /api/personal-data/export: a person's right to erasure and of access
 * (GDPR Art. 17 and 15, KVKK Art. 7 and 11) for whoever answers the request, e.g. from a ticket system.
 * Body `{ "email": … }` (every lead of that person) or `{ "leadId": … }`, exactly one (src/privacy/person.ts).
 *
 * Who may call: the webhook secret (`Authorization: Bearer <secret>` or `?code=`, the webhook's constant-time check),
 * else what the pipeline API accepts (a manager's Teams SSO token; in local mode the local access key):
 * | request                                  | answer                    |
 * |------------------------------------------|---------------------------|
 * | no / wrong secret and no / bad token     | 401 privacy.unauthorized  |
 * | good token, not a manager                | 403 privacy.forbidden     |
 * | bad body                                 | 400 privacy.bad-request   |
 * | erase                                    | 200 `{ leads, events }`   |
 * | export                                   | 200 `{ exportedAt, leads, events }` |
 * Every answer is `Cache-Control: no-store`. Logs hold counts and codes, never the email.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LeadDeskError, isCoded, toCoded } from '../leads/errors';
import type { Actor } from '../leads/lead';
import type { PersonalData } from '../privacy/personalData';
import { personOf } from '../privacy/person';
import { logger } from '../log';
import { authorized, readBody } from './leadsWebhook';
import type { PipelineAuth } from './pipelineApi';
import { PRIVATE, sendError, sendJson } from './responses';

const log = logger('http:personal-data');

const MAX_BODY_BYTES = 4 * 1024;

export interface PersonalDataApiDeps {
  privacy: Pick<PersonalData, 'erase' | 'export'>;
  /** The webhook secret (LEAD_WEBHOOK_SECRET). */
  secret: string;
  /** The pipeline API's check: a manager's Teams SSO token, or the local access key in local mode. */
  auth: PipelineAuth;
  now?: () => Date;
}

type NodeHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export function personalDataApi(deps: PersonalDataApiDeps): { erase: NodeHandler; export: NodeHandler } {
  const handle =
    (what: 'erase' | 'export', run: (body: unknown, actor: Actor) => Promise<unknown>): NodeHandler =>
    async (req, res) => {
      try {
        const actor = await callerOf(req, deps);
        const text = await readBody(req, MAX_BODY_BYTES);
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          throw new LeadDeskError('privacy.bad-request', { detail: 'the body is not JSON' });
        }
        sendJson(res, 200, await run(body, actor), PRIVATE);
      } catch (err) {
        const coded = toCoded(err);
        if (coded.status >= 500) log.error({ code: coded.code, what }, 'personal data request failed');
        else log.info({ code: coded.code, status: coded.status, what }, 'personal data request refused');
        sendError(res, coded, { headers: PRIVATE });
        if (isCoded(coded, 'webhook.too-large')) req.resume();
      }
    };

  return {
    erase: handle('erase', (body, actor) => deps.privacy.erase(personOf(body), actor)),
    export: handle('export', async (body) => ({
      exportedAt: (deps.now?.() ?? new Date()).toISOString(),
      ...(await deps.privacy.export(personOf(body))),
    })),
  };
}

/** Who asks: the holder of the webhook secret, or a manager the pipeline API's check accepts (their Entra id). */
async function callerOf(req: IncomingMessage, deps: PersonalDataApiDeps): Promise<Actor> {
  if (authorized(req, deps.secret)) return { id: 'personal-data-api', name: 'Personal data API' };
  try {
    const caller = await deps.auth(req);
    if (caller.kind === 'sso')
      return { id: `aad:${caller.oid}`, aadObjectId: caller.oid, name: 'A manager (personal data API)' };
    return { id: 'personal-data-api', name: 'Personal data API (local)' };
  } catch (err) {
    if (isCoded(err, 'pipeline.unauthorized'))
      throw new LeadDeskError('privacy.unauthorized', { detail: (err as LeadDeskError).details.detail ?? 'no token' });
    if (isCoded(err, 'pipeline.forbidden')) throw new LeadDeskError('privacy.forbidden');
    throw err;
  }
}
