/**
 * Delivers lead cards: posts a new thread per routed channel and updates cards whose lead changed.
 * Runs right after intake and every JOB_INTERVAL for whatever is still pending (after a restart too).
 * Several bot processes may share one store: a worker first takes a lease on the lead with an etag-guarded write,
 * so only one of them posts a given card. This file does the I/O only: every change of `lead.delivery` is a pure
 * step of src/leads/delivery.ts, written through `LeadStore.update`.
 */
import { performance } from 'node:perf_hooks';
import type { Lead, DeliveryTarget } from '../leads/lead';
import {
  DEFAULT_DELIVERY_POLICY,
  deliveryFinished,
  deliveryLease,
  holdsDeliveryLease,
  routed,
  takeDeliveryLease,
  targetGone,
  targetPosted,
  type DeliveryOutcome,
  type DeliveryPolicy,
  type Lease,
} from '../leads/delivery';
import { isCoded, type LeadDeskError } from '../leads/errors';
import type { LeadStore } from '../store/leadStore';
import type { InstallStore, ChannelRecord } from '../store/installStore';
import { logger } from '../log';
import { PeriodicJob } from './periodicJob';
import { WorkQueue } from './workQueue';
import type { Liveness } from './instances';

const log = logger('jobs:outbox');

/** What the outbox needs from Teams; src/teams implements it with the messenger and the card templates. */
export interface CardPoster {
  post(target: DeliveryTarget, lead: Lead, now: Date): Promise<{ threadId: string; activityId: string }>;
  update(target: DeliveryTarget, lead: Lead, now: Date): Promise<void>;
}

export interface OutboxOptions extends Partial<DeliveryPolicy> {
  leads: LeadStore;
  installs: InstallStore;
  poster: CardPoster;
  instanceId: string;
  /** Which instances are dead (their leases end at once) and whether this one may post (instances.ts). */
  liveness?: Liveness;
  /**
   * Resolves once no HTTP request is being answered (or after a short cap): card work waits for it, so that in a
   * burst the webhooks' acknowledgements (and Teams' requests) go ahead of rendering and posting cards.
   */
  quiet?: () => Promise<unknown>;
  concurrency?: number;
  /** How long the channel list may be served from memory. */
  channelCacheMs?: number;
  batch?: number;
  now?: () => Date;
}

export class Outbox extends PeriodicJob<void> {
  private readonly work: WorkQueue;
  private readonly policy: DeliveryPolicy;
  /** Lead documents handed over by the webhook or a card action: their `_etag` saves a read when taking the lease. */
  private readonly known = new Map<string, Lead>();
  private channelCache?: { at: number; channels: Promise<ChannelRecord[]> };

  constructor(private readonly o: OutboxOptions) {
    super(log, 'outbox pass', undefined);
    const given = Object.entries({
      leaseMs: o.leaseMs,
      baseRetryMs: o.baseRetryMs,
      maxRetryMs: o.maxRetryMs,
      waitForChannelMs: o.waitForChannelMs,
    }).filter(([, v]) => v !== undefined);
    this.policy = { ...DEFAULT_DELIVERY_POLICY, ...Object.fromEntries(given) };
    this.work = new WorkQueue(o.concurrency ?? 32, (id) =>
      this.deliver(id).catch((err) =>
        log.error({ leadId: id, code: (err as LeadDeskError).code ?? 'error' }, 'delivery crashed'),
      ),
    );
  }

  private now(): Date {
    return this.o.now?.() ?? new Date();
  }

  /**
   * Queue one lead for delivery now (in this process); `stored` is the document just written, if the caller has it.
   * A card already in Teams that changed (someone acted on it) goes ahead of queued new-lead posts (issue 13).
   */
  deliverSoon(leadId: string, stored?: Lead): void {
    const urgent = Boolean(stored?.delivery.targets?.some((t) => t.activityId));
    if (this.work.has(leadId) && !urgent) return;
    if (stored) this.known.set(leadId, stored);
    this.work.push(leadId, urgent);
  }

  /** One pass over everything due (`tick()`: a pass already running is joined). */
  protected async pass(): Promise<void> {
    if (this.o.liveness && !this.o.liveness.fresh()) return;
    const dead = [...(this.o.liveness?.dead() ?? [])];
    const ids = await this.o.leads.dueForDelivery(this.now(), this.o.batch ?? 200, dead);
    for (const id of ids) this.deliverSoon(id);
    await this.idle();
  }

  /** A delivery lease held by this process from `now` (intake creates a new lead already leased with it). */
  leaseFrom(now: Date): Lease {
    return deliveryLease(this.o.instanceId, now, this.policy.leaseMs);
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
      channels.catch(() => {
        this.channelCache = undefined;
      });
    }
    return this.channelCache.channels;
  }

  override async stop(): Promise<void> {
    this.work.clear();
    await super.stop();
    await this.idle();
  }

  /** Resolves when nothing is queued or running. */
  idle(): Promise<void> {
    return this.work.idle();
  }

  /** Delivers one lead's cards if it is due and nobody else holds its lease. */
  async deliver(id: string): Promise<void> {
    await this.o.quiet?.();
    const me = this.o.instanceId;
    const start = this.now();
    const known = this.known.get(id);
    this.known.delete(id);
    const channels = await this.channels();
    if (known && holdsDeliveryLease(known, start, me)) {
      // Created a moment ago by this process with the lease already ours: route in memory and post right away;
      // the targets are written together with the posted activity ids.
      const lead = routed(known, channels);
      if (lead.delivery.targets?.length) return this.post(id, lead);
    }
    // One guarded write takes the lease and, for a lead not routed yet, records where it goes.
    const leaseMs = this.policy.leaseMs;
    const dead = this.o.liveness?.dead();
    const leased = await this.o.leads.update(
      id,
      (lead) => {
        const next = takeDeliveryLease(lead, { me, now: start, leaseMs, channels, dead });
        return next ? { lead: next, result: true } : { result: false };
      },
      known,
    );
    if (!leased?.result) return;
    if (!leased.lead.delivery.targets?.length) {
      log.info({ leadId: id }, 'no channel to post to yet: the lead waits');
      await this.finish(id, { kind: 'deferred', inMs: this.policy.waitForChannelMs });
      return;
    }
    await this.post(id, leased.lead);
  }

  /** Posts or updates the card in every target channel of a leased lead, then releases the lease. */
  private async post(id: string, lead: Lead): Promise<void> {
    let latest: Lead | undefined = lead._etag ? lead : undefined;
    const targets = lead.delivery.targets ?? [];
    let finished = false;
    for (const [i, target] of targets.entries()) {
      const last = i === targets.length - 1;
      const now = this.now();
      if (this.o.liveness && !this.o.liveness.fresh()) {
        // Our heartbeat has not reached the store lately: another instance may be taking this lead over.
        log.warn({ leadId: id }, 'not posting while this instance cannot reach the store; the lease will move on');
        return;
      }
      try {
        if (!target.activityId) {
          const posted = await this.o.poster.post(target, lead, now);
          // The crash window: a card posted but its activity id not yet on disk would be posted again after a
          // crash. It lasts one conditional write; recordMs is how long it took.
          const answered = performance.now();
          latest = await this.record(id, target, { ...posted, postedRev: lead.rev }, latest, last);
          finished = last;
          const recordMs = Math.round((performance.now() - answered) * 100) / 100;
          log.info({ leadId: id, channel: target.channelKey, recordMs }, 'card posted');
        } else if ((target.postedRev ?? 0) < lead.rev) {
          await this.o.poster.update(target, lead, now);
          latest = await this.record(id, target, { postedRev: lead.rev }, latest, last);
          finished = last;
          log.info({ leadId: id, channel: target.channelKey, rev: lead.rev }, 'card updated');
        }
      } catch (err) {
        const coded = err as LeadDeskError;
        if (isCoded(coded, 'teams.not-in-conversation')) {
          await this.forgetChannel(id, target);
          continue;
        }
        // too-large: even the reduced card the poster sent after the full one was refused.
        if (isCoded(coded, 'teams.rejected') || isCoded(coded, 'teams.too-large')) {
          const status = coded.details.status;
          log.error({ leadId: id, code: coded.code, status }, 'Teams rejected the card: giving up on this lead');
          await this.finish(id, { kind: 'failed', error: coded.code });
          return;
        }
        // This instance is stopping: the lead goes back, due now, for another instance (or this one's successor).
        if (isCoded(coded, 'service.stopping')) await this.finish(id, { kind: 'deferred', inMs: 0 });
        else await this.finish(id, { kind: 'retry', error: coded.code ?? 'error' });
        return;
      }
    }
    if (!finished) await this.finish(id, { kind: 'done' }, latest);
  }

  /** The bot was removed from the channel: forget the install; the lead goes elsewhere or waits for a channel. */
  private async forgetChannel(id: string, target: DeliveryTarget): Promise<void> {
    const { channelKey } = target;
    log.warn(
      { leadId: id, channel: channelKey },
      'bot is no longer in that channel: forgetting the install; the lead waits for another channel',
    );
    const channel = await this.o.installs.getChannel(target.channelId);
    if (channel) await this.o.installs.removeTeam(channel.teamId);
    else await this.o.installs.removeChannel(target.channelId);
    this.channelCache = undefined;
    await this.o.leads.update(id, (l) => ({ lead: targetGone(l, channelKey), result: true }));
  }

  /**
   * Records what a channel now shows; returns the written document (its `_etag` saves the next read). `finishing`
   * (the last target): the outcome `done` goes in the same write, one commit after the post instead of two.
   */
  private async record(
    id: string,
    target: DeliveryTarget,
    patch: Partial<DeliveryTarget>,
    known?: Lead,
    finishing = false,
  ): Promise<Lead | undefined> {
    const now = this.now();
    const out = await this.o.leads.update(
      id,
      (l) => {
        const posted = targetPosted(l, target, patch);
        return {
          lead: finishing ? deliveryFinished(posted, { kind: 'done' }, now, this.policy) : posted,
          result: undefined,
        };
      },
      known,
    );
    if (finishing) this.againIfChanged(id, out?.lead);
    return out?.lead;
  }

  /** Releases the lease and records the outcome: done, retry later (backoff), deferred or failed for good. */
  private async finish(id: string, outcome: DeliveryOutcome, known?: Lead): Promise<void> {
    const now = this.now();
    const done = await this.o.leads.update(
      id,
      (l) => ({ lead: deliveryFinished(l, outcome, now, this.policy), result: undefined }),
      known,
    );
    if (outcome.kind === 'done') this.againIfChanged(id, done?.lead);
  }

  /** Done, but the lead changed while we were posting (it is pending again): go again once this run has ended. */
  private againIfChanged(id: string, lead?: Lead): void {
    if (lead?.delivery.state === 'pending') setImmediate(() => this.deliverSoon(id));
  }
}
