/**
 * Any other system (HubSpot, Pipedrive, a Power Automate flow): a POST of the qualified lead as JSON (schema
 * `leaddesk.crm-handoff/v1`, README "CRM"), signed like Stripe's and GitHub's webhooks:
 *   X-LeadDesk-Timestamp: <unix seconds>
 *   X-LeadDesk-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>" with CRM_WEBHOOK_SECRET>
 *   X-LeadDesk-Delivery: <delivery id>   (the same on every attempt of one qualification: a replay is recognisable)
 * A 2xx is done (a JSON answer may name the record: `{"id": "…", "url": "https://…"}`); 429 and 5xx are retried;
 * any other 4xx stops and shows on the card.
 */
import { createHmac } from 'node:crypto';
import type { CrmClient, CrmRequest } from '../jobs/crmHandoff';
import { webhookBody } from './fields';
import { failure, jsonOf, send } from './http';

export interface WebhookOptions {
  url: string;
  secret: string;
  now?: () => Date;
}

/** The signature header's value for `body` sent at `timestamp` (unix seconds). */
function signature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex')}`;
}

export class WebhookClient implements CrmClient {
  readonly target = 'webhook' as const;

  constructor(private readonly o: WebhookOptions) {}

  async send(req: CrmRequest): Promise<{ recordId: string; url?: string }> {
    const now = this.o.now?.() ?? new Date();
    const body = JSON.stringify(webhookBody(req, now.toISOString()));
    const timestamp = String(Math.floor(now.getTime() / 1000));
    const res = await send(this.o.url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json; charset=utf-8',
        'User-Agent': 'LeadDesk-CRM-Handoff/1',
        'X-LeadDesk-Timestamp': timestamp,
        'X-LeadDesk-Signature': signature(this.o.secret, timestamp, body),
        'X-LeadDesk-Delivery': req.deliveryId,
      },
      body,
    });
    const answer = (await jsonOf(res)) as Record<string, unknown> | undefined;
    if (!res.ok) {
      const e = answer?.error;
      const message =
        typeof e === 'string' ? e : typeof answer?.message === 'string' ? answer.message : (errorMessage(e) ?? '');
      throw failure(res, message);
    }
    const recordId = typeof answer?.id === 'string' && answer.id ? answer.id : req.deliveryId;
    const url = typeof answer?.url === 'string' && /^https?:\/\//.test(answer.url) ? answer.url : undefined;
    return url ? { recordId, url } : { recordId };
  }
}

function errorMessage(e: unknown): string | undefined {
  const m = (e as { message?: unknown } | undefined)?.message;
  return typeof m === 'string' ? m : undefined;
}
