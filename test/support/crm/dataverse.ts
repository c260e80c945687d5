/**
 * A Dataverse Web API (v9.2) on 127.0.0.1 holding `lead` and `annotation` rows, answering as Microsoft documents:
 * - `PATCH /api/data/v9.2/leads(<key>='<value>')`: upsert by the alternate key → 204 + `OData-EntityId`;
 *   `If-None-Match: *` on an existing row → 412; `If-Match: *` on a missing one → 404;
 * - `PATCH /annotations(<guid>)`: upsert by primary key; `POST /annotations` → 204 + `OData-EntityId`;
 * - a column the table does not have → 400 with an OData error body;
 * - no or a wrong bearer token → 401 with `WWW-Authenticate`; `throttle()` → 429 + `Retry-After`; `down()` → 503.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import type { LocalEntra } from './entra';
import { closeLocal, listenLocal, localUrl } from './localServer';

export interface Row {
  id: string;
  fields: Record<string, unknown>;
  /** How many times it was written (1 = created, never updated). */
  writes: number;
}

const LEAD_COLUMNS = new Set([
  'subject',
  'firstname',
  'lastname',
  'companyname',
  'emailaddress1',
  'telephone1',
  'jobtitle',
  'description',
  'leadsourcecode',
  'leadqualitycode',
]);

export class LocalDataverse {
  private server?: http.Server;
  /** Lead rows by their alternate key value. */
  readonly leads = new Map<string, Row>();
  readonly annotations = new Map<string, Row>();
  /** Columns the team added to `lead` (its alternate key column is added by `start`). */
  readonly extraColumns = new Set<string>();
  /** Every request (method and path), in order. */
  readonly requests: { method: string; path: string; status: number }[] = [];
  /** Called with the key value each time a lead row is written (the bench times qualify → record with it). */
  onLeadWritten?: (key: string, row: Row) => void;
  private throttledUntil = 0;
  private retryAfterS = 1;
  private isDown = false;

  constructor(
    private readonly entra: LocalEntra,
    readonly leadKey = 'new_leaddeskid',
  ) {}

  get url(): string {
    return localUrl(this.server);
  }

  /** Answers 429 + Retry-After: `retryAfterS` to everything for `ms`. */
  throttle(ms: number, retryAfterS = 1): void {
    this.throttledUntil = Date.now() + ms;
    this.retryAfterS = retryAfterS;
  }

  /** Answers 503 to everything until `up()`. */
  down(): void {
    this.isDown = true;
  }

  up(): void {
    this.isDown = false;
  }

  async start(): Promise<this> {
    this.server = await listenLocal(http.createServer((req, res) => void this.handle(req, res)));
    return this;
  }

  async stop(): Promise<void> {
    await closeLocal(this.server);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    let text = '';
    for await (const chunk of req) text += chunk;
    const path = decodeURIComponent(new URL(req.url ?? '/', this.url).pathname);
    const send = (status: number, headers: Record<string, string> = {}, body?: unknown) => {
      this.requests.push({ method: req.method ?? '', path, status });
      res.writeHead(status, {
        'OData-Version': '4.0',
        ...(body ? { 'Content-Type': 'application/json' } : {}),
        ...headers,
      });
      res.end(body ? JSON.stringify(body) : undefined);
    };
    const odataError = (status: number, code: string, message: string) =>
      send(status, {}, { error: { code, message } });
    if (this.isDown) return odataError(503, '0x80040216', 'Service Unavailable');
    if (Date.now() < this.throttledUntil)
      return send(
        429,
        { 'Retry-After': String(this.retryAfterS) },
        {
          error: {
            code: '0x80072322',
            message: 'Number of requests exceeded the limit of 6000 over time window of 300 seconds.',
          },
        },
      );
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!token || !this.entra.isValid(token, `${this.url}/.default`))
      return send(401, { 'WWW-Authenticate': `Bearer authorization_uri=${this.entra.authorityHost}/oauth2/authorize` });
    const body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    const api = '/api/data/v9.2';
    const byKey = new RegExp(`^${api}/leads\\((\\w+)='((?:[^']|'')*)'\\)$`).exec(path);
    if (req.method === 'PATCH' && byKey) {
      if (byKey[1] !== this.leadKey)
        return odataError(400, '0x80060888', `The key ${byKey[1]} is not an alternate key of the lead table.`);
      const unknown = Object.keys(body).find((k) => !LEAD_COLUMNS.has(k) && !this.extraColumns.has(k));
      if (unknown)
        return odataError(
          400,
          '0x80060888',
          `Could not find a property named '${unknown}' on type 'Microsoft.Dynamics.CRM.lead'.`,
        );
      const value = byKey[2].replace(/''/g, "'");
      const existing = this.leads.get(value);
      if (existing && req.headers['if-none-match'] === '*')
        return odataError(412, '0x80040237', 'A record with matching key values already exists.');
      if (!existing && req.headers['if-match'] === '*')
        return odataError(404, '0x80040217', `lead With Ids = ${value} Do Not Exist`);
      const row = existing ?? { id: crypto.randomUUID(), fields: { [this.leadKey]: value }, writes: 0 };
      Object.assign(row.fields, body);
      row.writes += 1;
      this.leads.set(value, row);
      this.onLeadWritten?.(value, row);
      return send(204, { 'OData-EntityId': `${this.url}${api}/leads(${row.id})` });
    }
    const noteById = new RegExp(`^${api}/annotations\\(([0-9a-f-]{36})\\)$`).exec(path);
    if ((req.method === 'PATCH' && noteById) || (req.method === 'POST' && path === `${api}/annotations`)) {
      const bind = String(body['objectid_lead@odata.bind'] ?? '');
      const leadId = /^\/leads\(([0-9a-f-]{36})\)$/.exec(bind)?.[1];
      if (!leadId || ![...this.leads.values()].some((r) => r.id === leadId))
        return odataError(400, '0x80040203', `Invalid objectid_lead@odata.bind: ${bind}`);
      const id = noteById?.[1] ?? crypto.randomUUID();
      const row = this.annotations.get(id) ?? { id, fields: {}, writes: 0 };
      Object.assign(row.fields, body);
      row.writes += 1;
      this.annotations.set(id, row);
      return send(204, { 'OData-EntityId': `${this.url}${api}/annotations(${id})` });
    }
    odataError(404, '0x80060888', `Resource not found for the segment '${path}'.`);
  }

  /** The annotations of a lead row. */
  notesOf(row: Row): Row[] {
    return [...this.annotations.values()].filter((n) => n.fields['objectid_lead@odata.bind'] === `/leads(${row.id})`);
  }
}
