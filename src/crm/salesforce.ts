/**
 * Salesforce REST API: the Lead is upserted by an External ID field
 * (`PATCH /services/data/v62.0/sobjects/Lead/<SALESFORCE_LEAD_KEY>/<lead id>`: 201 created, 200/204 updated,
 * 300 when the key matches several leads, a JSON error array for a bad field), then the round's note is added: a
 * `ContentNote` linked to the lead (`ContentDocumentLink`), or a completed `Task` on the lead where Notes are off.
 * Sign-in: the OAuth 2.0 client credentials flow of a connected app (`/services/oauth2/token`). Salesforce does
 * not say when its token expires: it is kept until an API call answers 401, then fetched once more.
 */
import { LeadDeskError } from '../leads/errors';
import type { CrmClient, CrmRequest } from '../jobs/crmHandoff';
import { noteOf, salesforceLead } from './fields';
import { failure, jsonOf, send } from './http';

export interface SalesforceOptions {
  url: string;
  clientId: string;
  clientSecret: string;
  leadKey: string;
}

const SALESFORCE_API = 'v62.0';

type SfError = { message?: string; errorCode?: string }[];

export class SalesforceClient implements CrmClient {
  readonly target = 'salesforce' as const;
  private session?: { token: string; instanceUrl: string };

  constructor(private readonly o: SalesforceOptions) {}

  async send(req: CrmRequest): Promise<{ recordId: string; url?: string }> {
    const path = `/sobjects/Lead/${this.o.leadKey}/${encodeURIComponent(req.key)}`;
    const res = await this.call('PATCH', path, salesforceLead(req.lead));
    const body = (await jsonOf(res)) as { id?: string } | undefined;
    const recordId = body?.id ?? req.recordId ?? (await this.idByKey(path));
    await this.addNote(recordId, req);
    const instanceUrl = this.session?.instanceUrl ?? this.o.url;
    return { recordId, url: `${instanceUrl}/lightning/r/Lead/${recordId}/view` };
  }

  /** An update answered 204 and no earlier round knew the id: read it by the External ID. */
  private async idByKey(path: string): Promise<string> {
    const res = await this.call('GET', `${path}?fields=Id`);
    const id = ((await jsonOf(res)) as { Id?: string } | undefined)?.Id;
    if (!id) throw new LeadDeskError('crm.refused', { message: 'Salesforce did not say which lead it wrote.' });
    return id;
  }

  /** A ContentNote linked to the lead; where Notes are off (the type is unknown to the org) a completed Task. */
  private async addNote(leadId: string, req: CrmRequest): Promise<void> {
    const note = noteOf(req);
    const title = `${note.subject} (${req.deliveryId})`;
    const created = await this.call('POST', '/sobjects/ContentNote', { Title: title, Content: html(note.text) }, true);
    if (created.ok) {
      const noteId = ((await jsonOf(created)) as { id?: string } | undefined)?.id;
      await this.call('POST', '/sobjects/ContentDocumentLink', {
        ContentDocumentId: noteId,
        LinkedEntityId: leadId,
        ShareType: 'V',
      });
      return;
    }
    const errors = ((await jsonOf(created)) as SfError | undefined) ?? [];
    const notesOff =
      created.status === 404 || errors.some((e) => e.errorCode === 'INVALID_TYPE' || e.errorCode === 'NOT_FOUND');
    if (!notesOff) throw failure(created, errors[0]?.message ?? '');
    await this.call('POST', '/sobjects/Task', {
      WhoId: leadId,
      Subject: title.slice(0, 255),
      Description: note.text.slice(0, 32_000),
      Status: 'Completed',
      ActivityDate: new Date().toISOString().slice(0, 10),
    });
  }

  /** One REST call; a 401 fetches a new token and tries once more. `raw`: the caller reads a failed answer itself. */
  private async call(method: string, path: string, body?: unknown, raw = false, fresh = false): Promise<Response> {
    const session = await this.sessionFor(fresh);
    const res = await send(`${session.instanceUrl}/services/data/${SALESFORCE_API}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${session.token}`,
        Accept: 'application/json',
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (res.status === 401 && !fresh) {
      this.session = undefined;
      return this.call(method, path, body, raw, true);
    }
    if (res.status === 300) {
      throw new LeadDeskError('crm.refused', {
        message: `More than one Salesforce lead has ${this.o.leadKey} = ${path.split('/').pop()}: make the field unique.`,
        status: 300,
      });
    }
    if (res.ok || raw) return res;
    const errors = ((await jsonOf(res)) as SfError | undefined) ?? [];
    // The org's daily API limit: nothing is wrong with the lead, it goes once the limit resets.
    if (errors.some((e) => e.errorCode === 'REQUEST_LIMIT_EXCEEDED'))
      throw new LeadDeskError('crm.throttled', { retryAfterMs: 'a backoff' });
    throw failure(
      res,
      errors
        .map((e) => e.message)
        .filter(Boolean)
        .join(' ') || '',
    );
  }

  private async sessionFor(fresh: boolean): Promise<{ token: string; instanceUrl: string }> {
    if (this.session && !fresh) return this.session;
    const res = await send(`${this.o.url}/services/oauth2/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: this.o.clientId,
        client_secret: this.o.clientSecret,
      }).toString(),
    });
    const body = (await jsonOf(res)) as { access_token?: string; instance_url?: string } | undefined;
    if (!res.ok || !body?.access_token) {
      if (res.status === 429 || res.status >= 500) throw failure(res, '');
      throw new LeadDeskError('crm.unauthorized', { status: res.status });
    }
    this.session = { token: body.access_token, instanceUrl: (body.instance_url ?? this.o.url).replace(/\/+$/, '') };
    return this.session;
  }
}

/** A ContentNote's Content is HTML, base64: the note's lines as paragraphs, the text escaped. */
function html(text: string): string {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const paragraphs = text.split('\n').map((line) => `<p>${esc(line) || '&nbsp;'}</p>`);
  return Buffer.from(paragraphs.join(''), 'utf8').toString('base64');
}
