/**
 * Delivers lead cards: posts a new thread per routed channel and updates cards whose lead changed.
 * Runs right after intake and every JOB_INTERVAL for whatever is still pending (after a restart too).
 * Several bot processes may share one Cosmos account: a worker first takes a lease on the lead with an
 * ETag-guarded write, so only one of them posts a given card.
 */
import { performance } from 'node:perf_hooks';
import type { Lead, DeliveryTarget } from '../leads/lead';
import { needsDelivery } from '../leads/lifecycle';
import { routeLead } from '../leads/routing';
import { isCoded, type LeadDeskError } from '../leads/errors';
import type { LeadStore } from '../store/leadStore';
import type { InstallStore, ChannelRecord } from '../store/installStore';
import { logger } from '../log';
import { PeriodicJob } from './periodicJob';

const log = logger('jobs:outbox');

/** What the outbox needs from Teams; src/teams implements it with the messenger and the card templates. */
export interface CardPoster {
  post(target: DeliveryTarget, lead: Lead, now: Date): Promise<{ threadId: string; activityId: string }>;
  update(target: DeliveryTarget, lead: Lead, now: Date): Promise<void>;
}

export interface OutboxOptions {
  leads: LeadStore;
  installs: InstallStore;
  poster: CardPoster;
  instanceId: string;
  leaseMs?: number;
  concurrency?: number;
  baseRetryMs?: number;
  maxRetryMs?: number;
  /** How soon a lead with no channel to go to is looked at again. */
  waitForChannelMs?: number;
  /** How long the channel list may be served from memory. */
  channelCacheMs?: number;
  batch?: number;
  now?: () => Date;
}

export class Outbox extends PeriodicJob<void> {
  private readonly inFlight = new Set<string>();
  private readonly queue: string[] = [];
  private running = 0;
  private idleWaiters: (() => void)[] = [];
  /** Lead documents handed over by the webhook or a card action: their `_etag` saves a read when taking the lease. */
  private readonly known = new Map<string, Lead>();
  private channelCache?: { at: number; channels: Promise<ChannelRecord[]> };

  constructor(private readonly o: OutboxOptions) {
    super(log, 'outbox pass', undefined);
  }

  private now(): Date {
    return this.o.now?.() ?? new Date();
  }

  /** Queue one lead for delivery now (in this process); `stored` is the document just written, if the caller has it. */
  deliverSoon(leadId: string, stored?: Lead): void {
    if (this.inFlight.has(leadId) || this.queue.includes(leadId)) return;
    if (stored) this.known.set(leadId, stored);
    this.queue.push(leadId);
    this.pump();
  }

  /** One pass over everything due (`tick()`: a pass already running is joined). */
  protected async pass(): Promise<void> {
    const ids = await this.o.leads.dueForDelivery(this.now(), this.o.batch ?? 200);
    for (const id of ids) this.deliverSoon(id);
    await this.idle();
  }

  /** A delivery lease held by this process from `now` (also used when intake creates a lead already leased). */
  leaseFrom(now: Date): { owner: string; until: string } {
    return { owner: this.o.instanceId, until: new Date(now.getTime() + (this.o.leaseMs ?? 60_000)).toISOString() };
  }

  /** Installs or subscriptions changed: forget the cached channel list and look at what waits for a channel. */
  channelsChanged(): void {
    this.channelCache = undefined;
    void this.tick();
  }

  /**
   * The channels, cached for a few seconds: routing needs them for every lead, and they change rarely. This process
   * drops the cache on every install/subscribe it handles; another instance's changes show here within the TTL.
   */
  private channels(): Promise<ChannelRecord[]> {
    const ttl = this.o.channelCacheMs ?? 5_000;
    const now = Date.now();
    if (!this.channelCache || now - this.channelCache.at > ttl) {
      const channels = this.o.installs.channels();
      this.channelCache = { at: now, channels };
      channels.catch(() => (this.channelCache = undefined));
    }
    return this.channelCache.channels;
  }

  override async stop(): Promise<void> {
    this.queue.length = 0;
    await super.stop();
    await this.idle();
  }

  /** Resolves when nothing is queued or running. */
  idle(): Promise<void> {
    if (this.running === 0 && this.queue.length === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  private pump(): void {
    const limit = this.o.concurrency ?? 32;
    while (this.running < limit && this.queue.length) {
      const id = this.queue.shift()!;
      this.inFlight.add(id);
      this.running++;
      void this.deliver(id)
        .catch((err) => log.error({ leadId: id, code: (err as LeadDeskError).code ?? 'error' }, 'delivery crashed'))
        .finally(() => {
          this.inFlight.delete(id);
          this.running--;
          this.pump();
          if (this.running === 0 && this.queue.length === 0) this.idleWaiters.splice(0).forEach((r) => r());
        });
    }
  }

  /** Delivers one lead's cards if it is due and nobody else holds its lease. */
  async deliver(id: string): Promise<void> {
    const me = this.o.instanceId;
    const start = this.now();
    const known = this.known.get(id);
    this.known.delete(id);
    const channels = await this.channels();
    const nowIso = start.toISOString();
    const kd = known?.delivery;
    if (known && kd && mayDeliver(kd, nowIso, me) && kd.lease?.owner === me && kd.lease.until > nowIso) {
      // Created a moment ago by this process with the lease already ours: route in memory and post right away;
      // the targets are written together with the posted activity ids.
      if (!kd.targets?.length) kd.targets = targetsFor(known, channels);
      if (kd.targets.length) return this.post(id, known);
    }
    // One guarded write takes the lease and, for a lead not routed yet, records where it goes.
    const leased = await this.o.leads.update(
      id,
      (lead) => {
        const d = lead.delivery;
        if (!mayDeliver(d, nowIso, me)) return { result: false };
        d.lease = { owner: me, until: new Date(start.getTime() + (this.o.leaseMs ?? 60_000)).toISOString() };
        if (!d.targets?.length) {
          const targets = targetsFor(lead, channels);
          d.targets = targets.length ? targets : undefined;
        }
        return { lead, result: true };
      },
      known,
    );
    if (!leased?.result) return;
    const lead = leased.lead;
    if (!lead.delivery.targets?.length) {
      log.info({ leadId: id }, 'no channel to post to yet: the lead waits');
      await this.finish(id, { retryInMs: this.o.waitForChannelMs ?? 10_000 });
      return;
    }
    await this.post(id, lead);
  }

  /** Posts or updates the card in every target channel of a leased lead, then releases the lease. */
  private async post(id: string, lead: Lead): Promise<void> {
    let latest: Lead | undefined = lead._etag ? lead : undefined;
    for (const target of lead.delivery.targets ?? []) {
      const now = this.now();
      try {
        if (!target.activityId) {
          const rendered = lead;
          const posted = await this.o.poster.post(target, rendered, now);
          // The crash window: a card posted but its activity id not yet on disk would be posted again after a
          // crash. It lasts one conditional write; recordMs is how long it took.
          const answered = performance.now();
          latest = await this.patchTarget(
            id,
            target,
            { threadId: posted.threadId, activityId: posted.activityId, postedRev: rendered.rev },
            latest,
          );
          log.info(
            {
              leadId: id,
              channel: target.channelKey,
              recordMs: Math.round((performance.now() - answered) * 100) / 100,
            },
            'card posted',
          );
        } else if ((target.postedRev ?? 0) < lead.rev) {
          const rendered = lead;
          await this.o.poster.update(target, rendered, now);
          latest = await this.patchTarget(id, target, { postedRev: rendered.rev }, latest);
          log.info({ leadId: id, channel: target.channelKey, rev: rendered.rev }, 'card updated');
        }
      } catch (err) {
        const coded = err as LeadDeskError;
        if (isCoded(coded, 'teams.not-in-conversation')) {
          log.warn(
            { leadId: id, channel: target.channelKey },
            'bot is no longer in that channel: forgetting the install; the lead waits for another channel',
          );
          const channel = await this.o.installs.getChannel(target.channelId);
          if (channel) await this.o.installs.removeTeam(channel.teamId);
          else await this.o.installs.removeChannel(target.channelId);
          this.channelCache = undefined;
          await this.o.leads.update(id, (l) => {
            const rest = (l.delivery.targets ?? []).filter((t) => t.channelKey !== target.channelKey);
            l.delivery.targets = rest.length ? rest : undefined;
            return { lead: l, result: true };
          });
          continue;
        }
        if (isCoded(coded, 'teams.rejected')) {
          log.error(
            { leadId: id, code: coded.code, status: coded.details.status },
            'Teams rejected the card: giving up on this lead',
          );
          await this.finish(id, { failed: coded.code });
          return;
        }
        await this.finish(id, { error: coded.code ?? 'error' });
        return;
      }
    }
    await this.finish(id, {}, latest);
  }

  /** Records what a channel now shows; returns the written document (its `_etag` saves the next read). */
  private async patchTarget(
    id: string,
    target: DeliveryTarget,
    patch: Partial<DeliveryTarget>,
    known?: Lead,
  ): Promise<Lead | undefined> {
    const channelKey = target.channelKey;
    const out = await this.o.leads.update(
      id,
      (l) => {
        let t = l.delivery.targets?.find((x) => x.channelKey === channelKey);
        if (!t) {
          // Routed in memory on the fast path: the target is recorded now, with what was posted.
          if (!target) return { result: undefined };
          t = { ...target };
          l.delivery.targets = [...(l.delivery.targets ?? []), t];
        }
        Object.assign(t, patch, { postedRev: Math.max(t.postedRev ?? 0, patch.postedRev ?? 0) });
        return { lead: l, result: undefined };
      },
      known,
    );
    return out?.lead;
  }

  /** Releases the lease and records the outcome: done, retry later (backoff), or failed for good. */
  private async finish(
    id: string,
    outcome: { error?: string; failed?: string; retryInMs?: number },
    known?: Lead,
  ): Promise<void> {
    const now = this.now();
    const done = await this.o.leads.update(
      id,
      (l) => {
        const d = l.delivery;
        delete d.lease;
        if (outcome.failed) {
          d.state = 'failed';
          d.lastError = outcome.failed;
        } else if (outcome.error) {
          d.attempts += 1;
          d.lastError = outcome.error;
          const base = this.o.baseRetryMs ?? 2_000;
          const wait = Math.min(base * 2 ** (d.attempts - 1), this.o.maxRetryMs ?? 300_000);
          d.nextAttemptAt = new Date(now.getTime() + wait).toISOString();
        } else if (outcome.retryInMs !== undefined) {
          d.nextAttemptAt = new Date(now.getTime() + outcome.retryInMs).toISOString();
        } else if (needsDelivery(l)) {
          d.nextAttemptAt = now.toISOString(); // changed while we were posting: go again
          d.state = 'pending';
        } else {
          d.state = 'posted';
          d.attempts = 0;
          delete d.lastError;
        }
        return { lead: l, result: undefined };
      },
      known,
    );
    if (
      !outcome.error &&
      !outcome.failed &&
      outcome.retryInMs === undefined &&
      done?.lead.delivery.state === 'pending'
    ) {
      // Changed while we were posting: go again once this run has ended.
      setImmediate(() => this.deliverSoon(id));
    }
  }
}

/** Due, pending, and not leased by another live worker. */
function mayDeliver(d: Lead['delivery'], nowIso: string, me: string): boolean {
  if (d.state !== 'pending' || d.nextAttemptAt > nowIso) return false;
  return !d.lease || d.lease.until <= nowIso || d.lease.owner === me;
}

/** Where a lead goes: the routed channels as delivery targets (a test lead's note goes to one channel only). */
function targetsFor(lead: Lead, channels: ChannelRecord[]): DeliveryTarget[] {
  let chosen = routeLead(lead, channels) as ChannelRecord[];
  if (lead.isTest) chosen = chosen.slice(0, 1);
  return chosen.map((c) => ({
    channelKey: c.channelKey,
    channelId: c.channelId,
    serviceUrl: c.serviceUrl,
    tenantId: c.tenantId,
  }));
}
