/**
 * The only code that sends or updates activities in Teams (Bot Framework Connector REST API).
 * - Rate limits per conversation (7/1 s, 8/2 s, 60/30 s, 1800/h) and 50/s overall, for all instances together
 *   (sendBudget.ts); bursts queue, never drop, and a person's answer goes ahead of queued new-lead posts.
 * - 429: pauses the whole conversation for Retry-After (or a backoff), then retries; 5xx and network errors: exponential backoff with jitter.
 *   The connector client's own retry policy is removed so that this is the one place that decides retries.
 * - 403 BotNotInConversationRoster and other 4xx come back as coded errors for the caller to act on.
 */
import {
  ClaimsIdentity,
  AuthenticationConstants,
  type BotFrameworkAuthentication,
  type ConnectorClient,
} from 'botframework-connector';
import type { Activity, ConversationParameters } from 'botbuilder';
import { LeadDeskError, isCoded } from '../../leads/errors';
import { logger } from '../../log';
import type { Window } from './rateLimiter';
import { SharedSendBudget, type SendBudget, type SendPriority } from './sendBudget';

const log = logger('teams:messenger');

/** How late after its slot a request may still leave (well inside the budget's 250 ms margin). */
const STALE_SLOT_MS = 100;

export interface ChannelAddress {
  serviceUrl: string;
  channelId: string;
  tenantId?: string;
}

export interface ConversationAddress {
  serviceUrl: string;
  conversationId: string;
}

export interface MessengerOptions {
  appId: string;
  auth: BotFrameworkAuthentication;
  /** Teams' limits shared with the other instances; without one, this process's own (in memory). */
  budget?: SendBudget;
  conversationWindows?: Window[];
  globalWindows?: Window[];
  /** Attempts per call before giving up (the outbox retries later). */
  maxAttempts?: number;
  baseBackoffMs?: number;
  /** Cap for a Retry-After we are willing to wait inside one call; longer waits are left to the outbox. */
  maxRetryAfterMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export interface SendStats {
  sent: number;
  /** Slots taken but not used in time (see `call`): the budget stays on the safe side. */
  staleSlots: number;
  retried429: number;
  retried5xx: number;
}

export class Messenger {
  readonly stats: SendStats = { sent: 0, staleSlots: 0, retried429: 0, retried5xx: 0 };
  readonly budget: SendBudget;
  private readonly clients = new Map<string, Promise<ConnectorClient>>();
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly opts: MessengerOptions) {
    this.budget =
      opts.budget ??
      new SharedSendBudget({
        instanceId: 'this-process',
        conversationWindows: opts.conversationWindows,
        globalWindows: opts.globalWindows,
      });
    this.sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  /**
   * Starts a new thread in a channel; returns the thread's conversation id and the activity id of the post. A new
   * lead's card is backlog: people's answers in that channel go first.
   */
  async postToChannel(
    to: ChannelAddress,
    activity: Partial<Activity>,
    priority: SendPriority = 'backlog',
  ): Promise<{ threadId: string; activityId: string }> {
    const params: ConversationParameters = {
      isGroup: true,
      channelData: { channel: { id: to.channelId }, ...(to.tenantId ? { tenant: { id: to.tenantId } } : {}) },
      activity: activity as Activity,
      bot: { id: this.opts.appId ? `28:${this.opts.appId}` : 'lead-desk', name: 'Lead Desk' },
      members: [],
      tenantId: to.tenantId,
    } as ConversationParameters;
    const res = await this.call(
      to.serviceUrl,
      to.channelId,
      'create',
      (c) => c.conversations.createConversation(params),
      priority,
    );
    const activityId = res.activityId ?? res.id.split(';messageid=')[1] ?? res.id;
    return { threadId: res.id, activityId };
  }

  /** Opens (or finds: Teams returns the same id) the 1:1 chat between the bot and a member of a team it is in. */
  async openPersonalChat(to: { serviceUrl: string; tenantId?: string; userId: string }): Promise<string> {
    const params = {
      isGroup: false,
      bot: { id: this.opts.appId ? `28:${this.opts.appId}` : 'lead-desk', name: 'Lead Desk' },
      members: [{ id: to.userId }],
      tenantId: to.tenantId,
      channelData: to.tenantId ? { tenant: { id: to.tenantId } } : {},
    } as ConversationParameters;
    const res = await this.call(to.serviceUrl, `personal:${to.userId}`, 'create', (c) =>
      c.conversations.createConversation(params),
    );
    return res.id;
  }

  /** A member's display name in a conversation (a channel: the team roster); undefined when Teams does not say. */
  async memberName(to: { serviceUrl: string; conversationId: string }, userId: string): Promise<string | undefined> {
    try {
      const m = await this.call(to.serviceUrl, to.conversationId, 'member', (c) =>
        c.conversations.getConversationMember(to.conversationId.split(';messageid=')[0], userId),
      );
      return m.name || undefined;
    } catch {
      return undefined;
    }
  }

  /** Sends into an existing conversation (a reply in a thread when the id carries `;messageid=`). */
  async send(to: ConversationAddress, activity: Partial<Activity>): Promise<{ id?: string }> {
    const res = await this.call(to.serviceUrl, to.conversationId, 'send', (c) =>
      c.conversations.sendToConversation(to.conversationId, activity),
    );
    return { id: res.id };
  }

  /** Replaces a message in place (the card everyone sees): someone just acted on it, so it is a person's send. */
  async update(
    to: ConversationAddress & { activityId: string },
    activity: Partial<Activity>,
    priority: SendPriority = 'person',
  ): Promise<void> {
    await this.call(
      to.serviceUrl,
      to.conversationId,
      'update',
      (c) =>
        c.conversations.updateActivity(to.conversationId, to.activityId, {
          ...activity,
          id: to.activityId,
          type: activity.type ?? 'message',
        }),
      priority,
    );
  }

  private async call<T>(
    serviceUrl: string,
    conversationId: string,
    op: string,
    fn: (c: ConnectorClient) => Promise<T>,
    priority: SendPriority = 'person',
  ): Promise<T> {
    const key = conversationId.split(';messageid=')[0];
    const client = await this.client(serviceUrl);
    const maxAttempts = this.opts.maxAttempts ?? 5;
    for (let attempt = 1; ; attempt++) {
      // A slot is counted from when it was taken: if this process could not send right then (its event loop busy
      // elsewhere), the request would reach Teams bunched with later ones, so it takes a fresh slot instead.
      for (;;) {
        const slot = await this.budget.acquire(key, priority);
        if (slot > Date.now()) await this.sleep(Math.min(slot - Date.now(), 250));
        if (Date.now() - slot <= STALE_SLOT_MS) break;
        this.stats.staleSlots++;
      }
      try {
        const result = await fn(client);
        this.stats.sent++;
        return result;
      } catch (err) {
        const coded = classify(err);
        const retryable = isCoded(coded, 'teams.throttled') || isCoded(coded, 'teams.unavailable');
        if (!retryable || attempt >= maxAttempts) {
          log.warn({ op, code: coded.code, status: coded.details.status, attempt }, 'connector call failed');
          throw coded;
        }
        let wait: number;
        if (isCoded(coded, 'teams.throttled')) {
          this.stats.retried429++;
          const retryAfter = Number(coded.details.retryAfterMs);
          wait = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : this.backoff(attempt);
          // Teams throttles the conversation, not the request: every queued call to it, on every instance, waits
          // too, and this one retries through the budget once the pause is over (a longer one: the outbox retries).
          await this.budget.pause(key, wait);
          if (wait > (this.opts.maxRetryAfterMs ?? 60_000)) throw coded;
          log.debug({ op, code: coded.code, attempt, wait }, 'conversation paused by Teams');
          continue;
        } else {
          this.stats.retried5xx++;
          wait = this.backoff(attempt);
        }
        log.debug({ op, code: coded.code, attempt, wait }, 'retrying connector call');
        await this.sleep(wait);
      }
    }
  }

  private backoff(attempt: number): number {
    const base = this.opts.baseBackoffMs ?? 250;
    return Math.round(base * 2 ** (attempt - 1) * (0.75 + Math.random() * 0.5));
  }

  private client(serviceUrl: string): Promise<ConnectorClient> {
    let p = this.clients.get(serviceUrl);
    if (!p) {
      const identity = new ClaimsIdentity(
        [
          { type: AuthenticationConstants.AudienceClaim, value: this.opts.appId },
          { type: AuthenticationConstants.AppIdClaim, value: this.opts.appId },
        ],
        true,
      );
      p = this.opts.auth
        .createConnectorFactory(identity)
        .create(serviceUrl, AuthenticationConstants.ToChannelFromBotOAuthScope)
        .then((client) => {
          // The SDK's pipeline retries 429/5xx by itself (3 times); we own retries and rate limits here.
          const pipeline = (
            client as unknown as { client?: { pipeline?: { removePolicy(o: { phase: string }): unknown } } }
          ).client?.pipeline;
          pipeline?.removePolicy({ phase: 'Retry' });
          return client;
        });
      p.catch(() => this.clients.delete(serviceUrl));
      this.clients.set(serviceUrl, p);
    }
    return p;
  }
}

/** Connector failures → coded errors the callers branch on. */
function classify(err: unknown): LeadDeskError {
  if (err instanceof LeadDeskError) return err;
  const e = err as {
    statusCode?: number;
    code?: string;
    message?: string;
    response?: { headers?: { get?(n: string): string | undefined }; bodyAsText?: string };
  };
  const status = e?.statusCode;
  const body = e?.response?.bodyAsText ?? '';
  if (status === 429) {
    const header = e.response?.headers?.get?.('retry-after');
    const seconds = header !== undefined ? Number(header) : NaN;
    return new LeadDeskError(
      'teams.throttled',
      { retryAfterMs: Number.isFinite(seconds) ? Math.round(seconds * 1000) : undefined, status },
      err,
    );
  }
  if (status === 403 && (body.includes('BotNotInConversationRoster') || e.code === 'BotNotInConversationRoster'))
    return new LeadDeskError('teams.not-in-conversation', { status }, err);
  if (status === 404 && (body.includes('ConversationNotFound') || e.code === 'ConversationNotFound'))
    return new LeadDeskError('teams.not-in-conversation', { status }, err);
  // Teams' message limit (about 28 KB): 413 RequestEntityTooLarge, or an error body with MessageSizeTooBig.
  if (status === 413 || (status === 400 && (body.includes('MessageSizeTooBig') || e.code === 'MessageSizeTooBig')))
    return new LeadDeskError('teams.too-large', { status }, err);
  if (status === undefined || status >= 500 || status === 408 || status === 412)
    return new LeadDeskError(
      'teams.unavailable',
      { status, detail: status ? `status ${status}` : (e?.code ?? 'network error') },
      err,
    );
  return new LeadDeskError('teams.rejected', { status, detail: e?.code ?? 'rejected' }, err);
}
