/**
 * A local Teams channel on 127.0.0.1: the Bot Connector REST endpoints the bot calls (create conversation,
 * send, reply, update, members, team details), recording every request; it can answer 429 (Retry-After) or 5xx
 * on demand, go down and come back, refuse a message over `maxBodyBytes` with 413 MessageSizeTooBig as Teams does
 * (about 28 KB); and it sends the bot activities the way Teams does (installs, @mentions, Action.Execute invokes).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Recorded {
  op: 'create' | 'send' | 'reply' | 'update' | 'members' | 'team' | 'channels' | 'other';
  method: string;
  path: string;
  conversationId?: string;
  activityId?: string;
  body: any;
  at: number;
  /** What the channel answered. */
  status: number;
  /** A create that opened a 1:1 chat with a user (not a channel thread). */
  personal?: boolean;
}

export interface Fault {
  status: number;
  retryAfter?: number;
  code?: string;
  /** Which operations the fault applies to (default: all writes). */
  ops?: Recorded['op'][];
  times: number;
}

export interface TeamModel {
  id: string;
  name: string;
  tenantId: string;
  channels: { id: string; name: string }[];
}

let seq = 0;
const nextId = (p: string) => `${p}${Date.now().toString(36)}${(++seq).toString(36)}`;

export class LocalTeams {
  readonly requests: Recorded[] = [];
  readonly botId = '28:lead-desk-bot';
  private server?: http.Server;
  private port = 0;
  private faults: Fault[] = [];
  /** Messages as they stand now, by conversation id + activity id. */
  readonly messages = new Map<
    string,
    { conversationId: string; activityId: string; activity: any; versions: number }
  >();

  /** Like Teams: a message (create, send, reply, update) whose body is larger than this is refused with 413. */
  maxBodyBytes?: number;

  constructor(
    readonly team: TeamModel = defaultTeam(),
    opts: { maxBodyBytes?: number } = {},
  ) {
    this.maxBodyBytes = opts.maxBodyBytes;
  }

  get serviceUrl(): string {
    return `http://127.0.0.1:${this.port}/`;
  }

  async start(port = 0): Promise<this> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(port, '127.0.0.1', () => r()));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  /** Connector unreachable (connection refused) until up(). */
  async down(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => this.server?.close(() => r()));
    this.server = undefined;
  }

  async up(): Promise<void> {
    await this.start(this.port);
  }

  stop(): Promise<void> {
    return this.down();
  }

  /** The next `times` matching requests get this answer instead of success. */
  fail(fault: Omit<Fault, 'times'> & { times?: number }): void {
    this.faults.push({ times: 1, ...fault });
  }

  clearFaults(): void {
    this.faults = [];
  }

  /** Successful new threads (lead cards, welcome cards) in a channel. */
  posts(channelId?: string): Recorded[] {
    return this.requests.filter(
      (r) =>
        r.op === 'create' &&
        !r.personal &&
        r.status < 300 &&
        (!channelId || r.body?.channelData?.channel?.id === channelId),
    );
  }

  updates(activityId?: string): Recorded[] {
    return this.requests.filter(
      (r) => r.op === 'update' && r.status < 300 && (!activityId || r.activityId === activityId),
    );
  }

  /** Messages sent into 1:1 chats (`a:<user id>`), optionally of one user. */
  personal(userId?: string): Recorded[] {
    return this.replies().filter(
      (r) => r.conversationId?.startsWith('a:') && (!userId || r.conversationId === `a:${userId}`),
    );
  }

  replies(conversationId?: string): Recorded[] {
    return this.requests.filter(
      (r) =>
        (r.op === 'send' || r.op === 'reply') &&
        r.status < 300 &&
        (!conversationId || r.conversationId === conversationId),
    );
  }

  /** Cards posted as new threads, with the card content. */
  cards(channelId?: string): { activityId: string; conversationId: string; card: any; summary?: string }[] {
    return this.posts(channelId).map((r) => ({
      activityId: r.activityId!,
      conversationId: r.conversationId!,
      card: r.body.activity?.attachments?.[0]?.content,
      summary: r.body.activity?.summary,
    }));
  }

  /** Current card of a message (after updates). */
  currentCard(activityId: string): any {
    for (const m of this.messages.values())
      if (m.activityId === activityId) return m.activity?.attachments?.[0]?.content;
    return undefined;
  }

  // ---------------------------------------------------------------- activities Teams sends to the bot

  channelData(channelId = this.team.id) {
    const channel = this.team.channels.find((c) => c.id === channelId) ?? { id: channelId, name: 'Channel' };
    return {
      team: { id: this.team.id, name: this.team.name, aadGroupId: 'aad-group-1' },
      channel,
      tenant: { id: this.team.tenantId },
      teamsTeamId: this.team.id,
      teamsChannelId: channelId,
    };
  }

  /**
   * What Teams sends when the app is added to the team: installationUpdate, then conversationUpdate. By default Ira
   * (the team's admin, none of the sellers the scenarios use) installs it, and so becomes the team's first manager.
   */
  installActivities(user = seller('Ira')): any[] {
    const base = this.baseActivity(this.team.id, user);
    return [
      {
        ...base,
        type: 'installationUpdate',
        action: 'add',
        channelData: { ...this.channelData(), settings: { selectedChannel: { id: this.team.id } } },
      },
      {
        ...base,
        type: 'conversationUpdate',
        membersAdded: [{ id: this.botId }],
        channelData: { ...this.channelData(), eventType: 'teamMemberAdded' },
      },
    ];
  }

  uninstallActivities(user = seller('Ana')): any[] {
    const base = this.baseActivity(this.team.id, user);
    return [
      { ...base, type: 'installationUpdate', action: 'remove', channelData: this.channelData() },
      {
        ...base,
        type: 'conversationUpdate',
        membersRemoved: [{ id: this.botId }],
        channelData: { ...this.channelData(), eventType: 'teamMemberRemoved' },
      },
    ];
  }

  /** A channel message that @mentions the bot, as a new post in the channel. */
  mentionActivity(text: string, channelId = this.team.id, user = seller('Ana')): any {
    const rootId = nextId('m');
    return {
      ...this.baseActivity(`${channelId};messageid=${rootId}`, user),
      id: rootId,
      type: 'message',
      text: `<at>Lead Desk</at> ${text}`,
      textFormat: 'plain',
      entities: [{ type: 'mention', text: '<at>Lead Desk</at>', mentioned: { id: this.botId, name: 'Lead Desk' } }],
      channelData: this.channelData(channelId),
    };
  }

  /** An Action.Execute click on a card (universal action), as Teams sends it. */
  invokeActivity(opts: {
    verb: string;
    data: Record<string, unknown>;
    conversationId: string;
    replyToId: string;
    user?: ReturnType<typeof seller>;
    trigger?: 'manual' | 'automatic';
    channelId?: string;
  }): any {
    const user = opts.user ?? seller('Ana');
    return {
      ...this.baseActivity(opts.conversationId, user),
      id: nextId('i'),
      type: 'invoke',
      name: 'adaptiveCard/action',
      replyToId: opts.replyToId,
      value: {
        action: { type: 'Action.Execute', id: nextId('a'), verb: opts.verb, data: opts.data },
        trigger: opts.trigger ?? 'manual',
      },
      channelData: this.channelData(opts.channelId ?? opts.conversationId.split(';messageid=')[0]),
    };
  }

  private baseActivity(conversationId: string, user: ReturnType<typeof seller>) {
    return {
      channelId: 'msteams',
      serviceUrl: this.serviceUrl,
      timestamp: new Date().toISOString(),
      from: { id: user.id, name: user.name, aadObjectId: user.aadObjectId },
      recipient: { id: this.botId, name: 'Lead Desk' },
      conversation: { id: conversationId, conversationType: 'channel', isGroup: true, tenantId: this.team.tenantId },
      locale: 'en-US',
    };
  }

  // ---------------------------------------------------------------- connector endpoints

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const body = text ? JSON.parse(text) : undefined;
    const url = new URL(req.url ?? '/', 'http://x');
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    const method = req.method ?? 'GET';
    const rec: Recorded = { op: 'other', method, path: url.pathname, body, at: Date.now(), status: 200 };
    // /v3/conversations[/{id}/activities[/{activityId}]] | /v3/conversations/{id}/members | /v3/teams/{id}[/conversations]
    if (parts[0] === 'v3' && parts[1] === 'conversations') {
      rec.conversationId = parts[2];
      if (!parts[2] && method === 'POST') rec.op = 'create';
      else if (parts[3] === 'activities' && !parts[4] && method === 'POST') rec.op = 'send';
      else if (parts[3] === 'activities' && parts[4] && method === 'POST') rec.op = 'reply';
      else if (parts[3] === 'activities' && parts[4] && method === 'PUT') rec.op = 'update';
      else if (parts[3] === 'members' || parts[3] === 'pagedmembers') rec.op = 'members';
      rec.activityId = parts[4];
    } else if (parts[0] === 'v3' && parts[1] === 'teams') {
      rec.op = parts[3] === 'conversations' ? 'channels' : 'team';
    }
    this.requests.push(rec);

    const message = ['create', 'send', 'reply', 'update'].includes(rec.op);
    if (message && this.maxBodyBytes !== undefined && Buffer.byteLength(text) > this.maxBodyBytes) {
      rec.status = 413;
      res.writeHead(413, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'MessageSizeTooBig', message: 'Message size too large.' } }));
      return;
    }
    const fault = this.faults.find(
      (f) => f.times > 0 && (f.ops ? f.ops.includes(rec.op) : ['create', 'send', 'reply', 'update'].includes(rec.op)),
    );
    if (fault) {
      fault.times--;
      rec.status = fault.status;
      const headers: Record<string, string> = { 'Content-Type': 'application/json' };
      if (fault.retryAfter !== undefined) headers['Retry-After'] = String(fault.retryAfter);
      res.writeHead(fault.status, headers);
      res.end(
        JSON.stringify({
          error: {
            code: fault.code ?? (fault.status === 429 ? 'TooManyRequests' : 'ServiceError'),
            message: 'injected by LocalTeams',
          },
        }),
      );
      return;
    }

    const json = (status: number, payload: unknown) => {
      rec.status = status;
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(payload));
    };
    switch (rec.op) {
      case 'create': {
        if (!body?.channelData?.channel?.id && Array.isArray(body?.members) && body.members.length) {
          // A 1:1 chat with a team member (a personal reminder): `a:<user>`, then messages are sent into it.
          const conversationId = `a:${body.members[0].id}`;
          rec.conversationId = conversationId;
          rec.personal = true;
          return json(201, { id: conversationId, serviceUrl: this.serviceUrl });
        }
        const channelId = body?.channelData?.channel?.id ?? this.team.id;
        const activityId = nextId('1');
        const conversationId = `${channelId};messageid=${activityId}`;
        rec.conversationId = conversationId;
        rec.activityId = activityId;
        this.messages.set(`${conversationId}|${activityId}`, {
          conversationId,
          activityId,
          activity: body?.activity,
          versions: 1,
        });
        return json(201, { id: conversationId, activityId, serviceUrl: this.serviceUrl });
      }
      case 'send':
      case 'reply': {
        const activityId = nextId('2');
        this.messages.set(`${rec.conversationId}|${activityId}`, {
          conversationId: rec.conversationId!,
          activityId,
          activity: body,
          versions: 1,
        });
        return json(201, { id: activityId });
      }
      case 'update': {
        const key = [...this.messages.keys()].find((k) => k.endsWith(`|${rec.activityId}`));
        if (!key) return json(404, { error: { code: 'ActivityNotFoundInConversation', message: 'no such activity' } });
        const m = this.messages.get(key)!;
        m.activity = body;
        m.versions++;
        return json(200, { id: rec.activityId });
      }
      case 'members':
        return json(200, {
          members: [seller('Ana'), seller('Ben')].map((u) => ({ id: u.id, name: u.name, aadObjectId: u.aadObjectId })),
        });
      case 'team':
        return json(200, { id: this.team.id, name: this.team.name, aadGroupId: 'aad-group-1' });
      case 'channels':
        return json(200, { conversations: this.team.channels });
      default:
        return json(404, { error: { code: 'NotFound', message: `LocalTeams has no ${method} ${url.pathname}` } });
    }
  }

  /**
   * Calls `cb` synchronously each time a request is recorded (right after its body was read; `status` is filled in
   * later in the same tick). For the bench, to time cards without polling. Returns a function that removes `cb`.
   */
  onRecord(cb: (rec: Recorded) => void): () => void {
    type Listened = Recorded[] & { recordListeners?: Set<(rec: Recorded) => void> };
    const requests = this.requests as Listened;
    if (!requests.recordListeners) {
      const listeners = new Set<(rec: Recorded) => void>();
      const push = requests.push;
      Object.defineProperty(requests, 'recordListeners', { value: listeners });
      Object.defineProperty(requests, 'push', {
        value: (...recs: Recorded[]) => {
          const n = push.apply(requests, recs);
          for (const rec of recs)
            for (const listener of listeners) {
              try {
                listener(rec);
              } catch {
                /* a listener never breaks the channel */
              }
            }
          return n;
        },
      });
    }
    const listeners = requests.recordListeners!;
    listeners.add(cb);
    return () => void listeners.delete(cb);
  }
}

function defaultTeam(): TeamModel {
  return {
    id: '19:sales-team@thread.tacv2',
    name: 'Sales',
    tenantId: 'tenant-1',
    channels: [
      { id: '19:sales-team@thread.tacv2', name: 'General' },
      { id: '19:appsource-leads@thread.tacv2', name: 'AppSource leads' },
      { id: '19:azure-leads@thread.tacv2', name: 'Azure leads' },
    ],
  };
}

export function seller(name: string, n?: number) {
  const slug = `${name.toLowerCase()}${n ?? ''}`;
  return { id: `29:${slug}`, name: n === undefined ? name : `${name} ${n}`, aadObjectId: `aad-${slug}` };
}
