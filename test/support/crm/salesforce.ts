/**
 * A Salesforce org on 127.0.0.1 answering as the REST API documents: the client credentials token endpoint
 * (`POST /services/oauth2/token`), the Lead upsert by External ID (`PATCH /services/data/vXX.X/sobjects/Lead/<field>/<value>`:
 * 201 `{id, success, errors, created: true}` created, 204 updated, 300 with the matching records' URLs when the
 * value is on several leads, 400 with the JSON error array for a bad field), `GET` of a lead by External ID,
 * ContentNote + ContentDocumentLink, Task; 401 `INVALID_SESSION_ID` for a missing or revoked token; `throttle()` → 429.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import { closeLocal, listenLocal, localUrl } from './localServer';

export const SF_CLIENT_ID = '3MVG9local.consumer.key';
export const SF_CLIENT_SECRET = 'local-consumer-secret-0123456789';

const LEAD_FIELDS = new Set([
  'FirstName',
  'LastName',
  'Company',
  'Email',
  'Phone',
  'Title',
  'Country',
  'LeadSource',
  'Rating',
  'Description',
]);

export interface SfRecord {
  Id: string;
  fields: Record<string, unknown>;
}

export class LocalSalesforce {
  private server?: http.Server;
  readonly tokens = new Set<string>();
  readonly leads: SfRecord[] = [];
  readonly notes: SfRecord[] = [];
  readonly links: SfRecord[] = [];
  readonly tasks: SfRecord[] = [];
  tokenRequests = 0;
  /** Notes enabled in the org; off, ContentNote is an unknown type and a Task is expected instead. */
  notesEnabled = true;
  private throttledUntil = 0;

  constructor(readonly externalIdField = 'LeadDeskId__c') {}

  get url(): string {
    return localUrl(this.server);
  }

  throttle(ms: number): void {
    this.throttledUntil = Date.now() + ms;
  }

  /** Revokes every session (an admin's "revoke", or an expired session). */
  revokeTokens(): void {
    this.tokens.clear();
  }

  async start(): Promise<this> {
    this.server = await listenLocal(http.createServer((req, res) => void this.handle(req, res)));
    return this;
  }

  async stop(): Promise<void> {
    await closeLocal(this.server);
  }

  private id(prefix: string): string {
    return `${prefix}${crypto.randomBytes(8).toString('hex').slice(0, 15)}`.slice(0, 18);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    let text = '';
    for await (const chunk of req) text += chunk;
    const path = decodeURIComponent(new URL(req.url ?? '/', this.url).pathname);
    const send = (status: number, body?: unknown) => {
      res.writeHead(status, body === undefined ? {} : { 'Content-Type': 'application/json;charset=UTF-8' });
      res.end(body === undefined ? undefined : JSON.stringify(body));
    };
    const errors = (status: number, errorCode: string, message: string, fields: string[] = []) =>
      send(status, [{ message, errorCode, fields }]);
    if (req.method === 'POST' && path === '/services/oauth2/token') {
      this.tokenRequests++;
      const form = new URLSearchParams(text);
      if (form.get('grant_type') !== 'client_credentials')
        return send(400, { error: 'unsupported_grant_type', error_description: 'grant type not supported' });
      if (form.get('client_id') !== SF_CLIENT_ID || form.get('client_secret') !== SF_CLIENT_SECRET)
        return send(400, { error: 'invalid_client', error_description: 'invalid client credentials' });
      const token = `00Dlocal!${crypto.randomBytes(16).toString('hex')}`;
      this.tokens.add(token);
      return send(200, {
        access_token: token,
        signature: crypto.randomBytes(8).toString('base64'),
        scope: 'api',
        instance_url: this.url,
        id: `${this.url}/id/00Dlocal/005local`,
        token_type: 'Bearer',
        issued_at: String(Date.now()),
      });
    }
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!token || !this.tokens.has(token)) return errors(401, 'INVALID_SESSION_ID', 'Session expired or invalid');
    if (Date.now() < this.throttledUntil) {
      res.setHeader('Retry-After', '1');
      return errors(429, 'REQUEST_LIMIT_EXCEEDED', 'Too many requests: try again shortly.');
    }
    const body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    const m = /^\/services\/data\/v\d+\.\d\/sobjects\/(\w+)(?:\/(\w+)\/(.+))?$/.exec(path);
    if (!m) return errors(404, 'NOT_FOUND', 'The requested resource does not exist');
    const [, type, field, value] = m;
    if (type === 'Lead' && field) return this.lead(req.method ?? '', field, value, body, send, errors);
    if (req.method !== 'POST') return errors(405, 'METHOD_NOT_ALLOWED', 'HTTP Method not allowed');
    const created = (list: SfRecord[], prefix: string) => {
      const Id = this.id(prefix);
      list.push({ Id, fields: body });
      send(201, { id: Id, success: true, errors: [] });
    };
    if (type === 'ContentNote') {
      if (!this.notesEnabled) return errors(404, 'NOT_FOUND', "sObject type 'ContentNote' is not supported.");
      return created(this.notes, '069');
    }
    if (type === 'ContentDocumentLink') return created(this.links, '06A');
    if (type === 'Task') return created(this.tasks, '00T');
    errors(404, 'NOT_FOUND', 'The requested resource does not exist');
  }

  private lead(
    method: string,
    field: string,
    value: string,
    body: Record<string, unknown>,
    send: (status: number, body?: unknown) => void,
    errors: (status: number, code: string, message: string, fields?: string[]) => void,
  ) {
    if (field !== this.externalIdField)
      return errors(400, 'NOT_FOUND', `Provided external ID field does not exist or is not accessible: ${field}`);
    const matches = this.leads.filter((l) => l.fields[field] === value);
    if (matches.length > 1)
      return send(
        300,
        matches.map((l) => `/services/data/v62.0/sobjects/Lead/${l.Id}`),
      );
    if (method === 'GET')
      return matches[0]
        ? send(200, { attributes: { type: 'Lead' }, Id: matches[0].Id })
        : errors(404, 'NOT_FOUND', 'The requested resource does not exist');
    if (method !== 'PATCH') return errors(405, 'METHOD_NOT_ALLOWED', 'HTTP Method not allowed');
    const unknown = Object.keys(body).find((k) => !LEAD_FIELDS.has(k));
    if (unknown) return errors(400, 'INVALID_FIELD', `No such column '${unknown}' on sobject of type Lead`, [unknown]);
    if (typeof body.Email === 'string' && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(body.Email))
      return errors(400, 'INVALID_EMAIL_ADDRESS', `Email: invalid email address: ${body.Email}`, ['Email']);
    for (const required of ['LastName', 'Company'])
      if (!matches[0] && !body[required])
        return errors(400, 'REQUIRED_FIELD_MISSING', `Required fields are missing: [${required}]`, [required]);
    if (matches[0]) {
      Object.assign(matches[0].fields, body);
      return send(204);
    }
    const Id = this.id('00Q');
    this.leads.push({ Id, fields: { ...body, [field]: value } });
    send(201, { id: Id, success: true, errors: [], created: true });
  }

  /** Adds a second lead with the same External ID value (a field that is not unique). */
  duplicate(value: string): void {
    this.leads.push({
      Id: this.id('00Q'),
      fields: { LastName: 'Twin', Company: 'Twin Co', [this.externalIdField]: value },
    });
  }
}
