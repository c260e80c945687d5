/**
 * Dynamics 365 Sales / Dataverse Web API: the lead row is upserted by its alternate key
 * (`PATCH /api/data/v9.2/leads(<DYNAMICS_LEAD_KEY>='<lead id>')`: created the first time, updated after a reopen),
 * then the round's note is upserted by an id derived from the delivery id (`PATCH /annotations(<id>)`), so a retry
 * never adds a second note. Sign-in: @azure/identity's DefaultAzureCredential (AZURE_TENANT_ID / AZURE_CLIENT_ID /
 * AZURE_CLIENT_SECRET, or the app's managed identity), scope `<DYNAMICS_URL>/.default`; the token is kept until a
 * minute before it expires.
 */
import { createHash } from 'node:crypto';
import { DefaultAzureCredential, type DefaultAzureCredentialOptions, type TokenCredential } from '@azure/identity';
import { LeadDeskError } from '../leads/errors';
import type { CrmClient, CrmRequest } from '../jobs/crmHandoff';
import { dynamicsLead, noteOf } from './fields';
import { failure, jsonOf, send, type CachedToken } from './http';

export interface DynamicsOptions {
  url: string;
  leadKey: string;
  columns: Partial<Record<'offer' | 'storefront' | 'action', string>>;
  authorityHost?: string;
  /** Tests: more options for DefaultAzureCredential (a pipeline policy that trusts a local token endpoint). */
  identity?: DefaultAzureCredentialOptions;
  credential?: TokenCredential;
}

/** Microsoft Entra ID's own clouds: any other authority host (a sovereign stand-in, a test) skips instance discovery. */
const ENTRA_HOSTS = /^https:\/\/login\.(microsoftonline\.(com|us)|chinacloudapi\.cn|partner\.microsoftonline\.cn)\/?$/i;
const API = '/api/data/v9.2';

export class DynamicsClient implements CrmClient {
  readonly target = 'dynamics' as const;
  private readonly credential: TokenCredential;
  private cached?: CachedToken;

  constructor(private readonly o: DynamicsOptions) {
    const authorityHost = o.authorityHost;
    this.credential =
      o.credential ??
      new DefaultAzureCredential({
        authorityHost,
        disableInstanceDiscovery: authorityHost !== undefined && !ENTRA_HOSTS.test(authorityHost),
        ...o.identity,
      });
  }

  async send(req: CrmRequest): Promise<{ recordId: string; url?: string }> {
    const keyValue = req.key.replace(/'/g, "''");
    const row = dynamicsLead(req.lead, this.o.columns);
    const res = await this.call('PATCH', `/leads(${this.o.leadKey}='${encodeURIComponent(keyValue)}')`, row);
    const recordId = guidOf(res.headers.get('odata-entityid')) ?? req.recordId;
    if (!recordId)
      throw new LeadDeskError('crm.refused', { message: 'Dataverse did not say which lead row it wrote.' });
    const note = noteOf(req);
    await this.call('PATCH', `/annotations(${noteIdOf(req.deliveryId)})`, {
      subject: note.subject,
      notetext: note.text,
      'objectid_lead@odata.bind': `/leads(${recordId})`,
    });
    return { recordId, url: `${this.o.url}/main.aspx?etn=lead&pagetype=entityrecord&id=${recordId}` };
  }

  /** One Web API call; a 401 drops the token and tries once more with a fresh one. */
  private async call(method: string, path: string, body: unknown, fresh = false): Promise<Response> {
    const res = await send(`${this.o.url}${API}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${await this.token(fresh)}`,
        'Content-Type': 'application/json; charset=utf-8',
        Accept: 'application/json',
        'OData-MaxVersion': '4.0',
        'OData-Version': '4.0',
      },
      body: JSON.stringify(body),
    });
    if (res.ok) return res;
    if (res.status === 401 && !fresh) {
      this.cached = undefined;
      return this.call(method, path, body, true);
    }
    const err = (await jsonOf(res)) as { error?: { message?: string } } | undefined;
    throw failure(res, err?.error?.message ?? '');
  }

  private async token(fresh: boolean): Promise<string> {
    if (!fresh && this.cached && this.cached.until > Date.now()) return this.cached.token;
    let got: Awaited<ReturnType<TokenCredential['getToken']>>;
    try {
      got = await this.credential.getToken(`${this.o.url}/.default`);
    } catch (err) {
      throw new LeadDeskError('crm.unauthorized', { status: (err as Error).name }, err);
    }
    if (!got) throw new LeadDeskError('crm.unauthorized', { status: 'no token' });
    this.cached = { token: got.token, until: got.expiresOnTimestamp - 60_000 };
    return got.token;
  }
}

/** The row's id from `OData-EntityId: https://org/api/data/v9.2/leads(<guid>)`. */
function guidOf(entityId: string | null): string | undefined {
  return /\(([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\)\s*$/i.exec(entityId ?? '')?.[1];
}

/** A GUID derived from the delivery id (name-based, like a UUID v5): the same round always names the same note. */
function noteIdOf(deliveryId: string): string {
  const h = createHash('sha1').update(`leaddesk-note:${deliveryId}`).digest('hex');
  const variant = ((Number.parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
