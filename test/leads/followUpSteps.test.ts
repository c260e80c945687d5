/** The reminder job's two steps: take a due follow-up (or defer it to business hours), then record what was sent. */
import assert from 'node:assert/strict';
import {
  DEFAULT_POLICY,
  followUpSent,
  takeFollowUpLease,
  withFollowUp,
  type FollowUpPolicy,
} from '../../src/leads/followUp';
import type { BusinessHours } from '../../src/leads/businessHours';
import { parseBusinessHours } from '../../src/config';
import { LEAD_DESK, type FollowUp, type Lead } from '../../src/leads/lead';
import { ANA, claimedByAna, makeLead, qualifiedLead } from '../support/leadFixtures';

// ─── builders ───────────────────────────────────────────────────────────────

const ME = 'bot-a';
const OTHER = 'bot-b';
const LEASE_MS = 60_000;

/** Mon-Fri 09:00-17:00 in Istanbul (UTC+3 all year): open 06:00Z-14:00Z on weekdays. */
const ISTANBUL: BusinessHours = { zone: 'Europe/Istanbul', spans: [{ days: [1, 2, 3, 4, 5], start: 540, end: 1020 }] };
const OFFICE: FollowUpPolicy = { ...DEFAULT_POLICY, hours: ISTANBUL };

/** Tuesday 13:00 in Istanbul: open. */
const OPEN_NOW = new Date('2026-11-24T10:00:00.000Z');
/** Tuesday 17:07 in Istanbul: closed until Wednesday 09:00 there (06:00Z). */
const EVENING = new Date('2026-11-24T14:07:00.000Z');
/** Saturday 13:00 in Istanbul: closed until Monday 09:00 there. */
const SATURDAY = new Date('2026-11-28T10:00:00.000Z');

const DUE = '2026-11-24T09:30:00.000Z';

const iso = (d: Date, plusMs = 0) => new Date(d.getTime() + plusMs).toISOString();

function withStep(followUp: FollowUp, lead: Lead = makeLead()): Lead {
  return { ...lead, followUp };
}

/** Ana nurtures the lead since Tuesday 15:02Z: the cadence's touches are on days 1, 3, 7, 14 and 21 from there. */
function nurturing(nurture: Partial<NonNullable<Lead['nurture']>> = {}, extra: Partial<Lead> = {}): Lead {
  const lead = claimedByAna({
    status: 'nurturing',
    firstTouchAt: '2026-11-24T15:02:00.000Z',
    nurture: {
      startedAt: '2026-11-24T15:02:00.000Z',
      nextTouchAt: '2026-11-25T15:02:00.000Z',
      touches: [],
      ...nurture,
    },
    rev: 4,
    ...extra,
  });
  return withFollowUp(lead, DEFAULT_POLICY);
}

/** `lead` with its derived follow-up leased by this worker, as `takeFollowUpLease` left it. */
function leased(lead: Lead, now: Date): Lead {
  const followUp = lead.followUp;
  assert.ok(followUp, 'the lead has a follow-up to lease');
  return { ...lead, followUp: { ...followUp, lease: { owner: ME, until: iso(now, LEASE_MS) } } };
}

function untouched<T>(input: Lead, step: (lead: Lead) => T): T {
  const before = structuredClone(input);
  const out = step(input);
  assert.deepEqual(input, before, 'the step changed its input');
  return out;
}

// ─── tests ──────────────────────────────────────────────────────────────────

describe('leads/followUp: the reminder job steps', () => {
  describe('takeFollowUpLease', () => {
    const at = { me: ME, now: OPEN_NOW, leaseMs: LEASE_MS, policy: OFFICE };

    it('the Istanbul hours used here are what BUSINESS_HOURS "Mon-Fri 09:00-17:00" means', () => {
      assert.deepEqual(parseBusinessHours('Mon-Fri 09:00-17:00', 'Europe/Istanbul'), ISTANBUL);
    });

    it('leaves a lead that owes nothing (closed, or no step): nothing to write', () => {
      assert.equal(takeFollowUpLease(qualifiedLead(), at), undefined);
      assert.equal(takeFollowUpLease(makeLead(), at), undefined);
    });

    it('leaves a follow-up that is not due yet', () => {
      assert.equal(takeFollowUpLease(withStep({ kind: 'unclaimed', dueAt: iso(OPEN_NOW, 1) }), at), undefined);
    });

    it('leaves a follow-up leased by another live worker alone', () => {
      const lead = withStep({ kind: 'unclaimed', dueAt: DUE, lease: { owner: OTHER, until: iso(OPEN_NOW, 1) } });
      assert.equal(takeFollowUpLease(lead, at), undefined);
    });

    it('gives a due follow-up to this worker until now + leaseMs, and says which kind to send', () => {
      const lead = withStep({ kind: 'unclaimed', dueAt: DUE });
      const taken = untouched(lead, (l) => takeFollowUpLease(l, at));
      assert.deepEqual(taken, {
        kind: 'unclaimed',
        lead: {
          ...lead,
          followUp: { kind: 'unclaimed', dueAt: DUE, lease: { owner: ME, until: iso(OPEN_NOW, LEASE_MS) } },
        },
      });
    });

    it('takes a follow-up due exactly now', () => {
      assert.equal(takeFollowUpLease(withStep({ kind: 'escalate', dueAt: iso(OPEN_NOW) }), at)?.kind, 'escalate');
    });

    it('returns the kind of every step: first-touch and nurture go to the owner', () => {
      const firstTouch = withStep({ kind: 'first-touch', dueAt: DUE }, claimedByAna());
      const nurture = withStep({ kind: 'nurture', dueAt: DUE }, nurturing());
      assert.equal(takeFollowUpLease(firstTouch, at)?.kind, 'first-touch');
      assert.equal(takeFollowUpLease(nurture, at)?.kind, 'nurture');
    });

    it("takes over another worker's expired lease (a send that failed is retried once it expires)", () => {
      const lead = withStep({ kind: 'unclaimed', dueAt: DUE, lease: { owner: OTHER, until: iso(OPEN_NOW) } });
      assert.deepEqual(takeFollowUpLease(lead, at)?.lead.followUp?.lease, {
        owner: ME,
        until: iso(OPEN_NOW, LEASE_MS),
      });
    });

    it('retakes its own live lease from now', () => {
      const lead = withStep({ kind: 'unclaimed', dueAt: DUE, lease: { owner: ME, until: iso(OPEN_NOW, 5_000) } });
      assert.deepEqual(takeFollowUpLease(lead, at)?.lead.followUp?.lease, {
        owner: ME,
        until: iso(OPEN_NOW, LEASE_MS),
      });
    });

    it('sends nothing after closing time: the step moves to the next morning, unleased', () => {
      const lead = withStep({ kind: 'unclaimed', dueAt: DUE });
      const out = untouched(lead, (l) => takeFollowUpLease(l, { ...at, now: EVENING }));
      assert.deepEqual(out, {
        kind: 'deferred',
        lead: { ...lead, followUp: { kind: 'unclaimed', dueAt: '2026-11-25T06:00:00.000Z' } },
      });
    });

    it('sends nothing on a Saturday: the step moves to Monday 09:00 in Istanbul', () => {
      const out = takeFollowUpLease(withStep({ kind: 'nurture', dueAt: DUE }, nurturing()), { ...at, now: SATURDAY });
      assert.equal(out?.kind, 'deferred');
      assert.deepEqual(out?.lead.followUp, { kind: 'nurture', dueAt: '2026-11-30T06:00:00.000Z' });
    });

    it('with no business hours (always open) takes the step at any time', () => {
      const lead = withStep({ kind: 'unclaimed', dueAt: DUE });
      const out = takeFollowUpLease(lead, { ...at, now: SATURDAY, policy: DEFAULT_POLICY });
      assert.equal(out?.kind, 'unclaimed');
    });
  });

  describe('followUpSent', () => {
    it('records the unclaimed reminder and makes the escalation the next step, released', () => {
      const now = new Date('2026-11-24T16:05:30.000Z');
      const lead = leased(withFollowUp(makeLead(), DEFAULT_POLICY), now);
      assert.equal(lead.followUp?.kind, 'unclaimed');
      const out = untouched(lead, (l) => followUpSent(l, 'unclaimed', now));
      assert.ok(out);
      assert.deepEqual(out.lead.sla, { claimBy: '2026-11-24T16:05:00.000Z', remindedAt: now.toISOString() });
      // One more claim SLA (15 min) after the deadline, with no lease.
      assert.deepEqual(out.lead.followUp, { kind: 'escalate', dueAt: '2026-11-24T16:20:00.000Z' });
      assert.deepEqual(out.event, {
        leadId: lead.id,
        at: now.toISOString(),
        verb: 'remind',
        actor: LEAD_DESK,
        from: 'new',
        to: 'new',
        data: { kind: 'unclaimed' },
      });
    });

    it('records the escalation as an escalate event, after which nothing more is owed', () => {
      const now = new Date('2026-11-24T16:20:30.000Z');
      const reminded = makeLead({
        sla: { claimBy: '2026-11-24T16:05:00.000Z', remindedAt: '2026-11-24T16:05:30.000Z' },
      });
      const lead = leased(withFollowUp(reminded, DEFAULT_POLICY), now);
      assert.equal(lead.followUp?.kind, 'escalate');
      const out = followUpSent(lead, 'escalate', now);
      assert.equal(out?.lead.sla.escalatedAt, now.toISOString());
      assert.equal(out?.lead.sla.remindedAt, '2026-11-24T16:05:30.000Z');
      assert.ok(!('followUp' in (out?.lead ?? {})), 'no follow-up is left');
      assert.equal(out?.event.verb, 'escalate');
      assert.deepEqual(out?.event.actor, LEAD_DESK);
      assert.deepEqual(out?.event.data, { kind: 'escalate' });
    });

    it("records the owner's first-touch reminder once: no further reminder is owed", () => {
      const now = new Date('2026-11-24T15:07:10.000Z');
      const lead = leased(withFollowUp(claimedByAna(), DEFAULT_POLICY), now);
      assert.deepEqual(lead.followUp?.dueAt, '2026-11-24T15:07:00.000Z');
      const out = followUpSent(lead, 'first-touch', now);
      assert.equal(out?.lead.firstTouchRemindedAt, now.toISOString());
      assert.equal(out?.lead.followUp, undefined);
      assert.equal(out?.event.verb, 'remind');
      assert.deepEqual(out?.event.data, { kind: 'first-touch' });
      assert.equal(out?.event.from, 'claimed');
      assert.equal(out?.event.to, 'claimed');
    });

    it("moves a nurture's next touch to the next point of its cadence, and the follow-up with it", () => {
      const now = new Date('2026-11-25T15:10:00.000Z');
      const lead = leased(nurturing(), now);
      const out = untouched(lead, (l) => followUpSent(l, 'nurture', now));
      assert.equal(out?.lead.nurture?.nextTouchAt, '2026-11-27T15:02:00.000Z');
      assert.deepEqual(out?.lead.followUp, { kind: 'nurture', dueAt: '2026-11-27T15:02:00.000Z' });
      assert.equal(out?.event.verb, 'remind');
      assert.deepEqual(out?.event.data, { kind: 'nurture' });
    });

    it('does not replay the nurture touches missed while the bot was down: the next one is after now', () => {
      const now = new Date('2026-12-03T09:00:00.000Z');
      const out = followUpSent(leased(nurturing(), now), 'nurture', now);
      assert.equal(out?.lead.nurture?.nextTouchAt, '2026-12-08T15:02:00.000Z');
    });

    it("keeps nudging after the cadence's last point, at its last interval", () => {
      const now = new Date('2026-12-16T00:00:00.000Z');
      const out = followUpSent(leased(nurturing({ nextTouchAt: '2026-12-15T15:02:00.000Z' }), now), 'nurture', now);
      assert.equal(out?.lead.nurture?.nextTouchAt, '2026-12-22T15:02:00.000Z');
    });

    it("moves the next step's due time into business hours", () => {
      // Claim by 16:55 in Istanbul; the escalation, 15 min later, falls after closing: Wednesday 09:00 there.
      const now = new Date('2026-11-24T13:56:00.000Z');
      const lead = leased(withFollowUp(makeLead({ sla: { claimBy: '2026-11-24T13:55:00.000Z' } }), OFFICE), now);
      const out = followUpSent(lead, 'unclaimed', now, OFFICE);
      assert.deepEqual(out?.lead.followUp, { kind: 'escalate', dueAt: '2026-11-25T06:00:00.000Z' });
    });

    it('forgets a snooze that has run out', () => {
      const now = new Date('2026-11-25T15:10:00.000Z');
      const over = followUpSent(
        leased(nurturing({}, { snoozedUntil: '2026-11-25T15:00:00.000Z' }), now),
        'nurture',
        now,
      );
      assert.ok(over && !('snoozedUntil' in over.lead), 'the snooze that ran out is dropped');
    });

    it('records nothing when the owner snoozed the lead while its reminder was being sent (the snooze stays)', () => {
      const now = new Date('2026-11-25T15:10:00.000Z');
      const until = '2026-11-30T08:00:00.000Z';
      const lead = leased(withFollowUp({ ...nurturing(), snoozedUntil: until }, DEFAULT_POLICY), now);
      assert.equal(followUpSent(lead, 'nurture', now), undefined);
    });

    it('records nothing when the lead was claimed meanwhile (its step is no longer the one sent)', () => {
      const now = new Date('2026-11-24T16:06:00.000Z');
      const claimed = leased(withFollowUp(claimedByAna(), DEFAULT_POLICY), now);
      assert.equal(followUpSent(claimed, 'unclaimed', now), undefined);
      assert.equal(followUpSent(claimed, 'escalate', now), undefined);
    });

    it('records nothing when the lead was closed or its owner touched it meanwhile', () => {
      const now = new Date('2026-11-24T15:08:00.000Z');
      assert.equal(followUpSent(qualifiedLead(), 'nurture', now), undefined);
      const touched = withFollowUp(claimedByAna({ firstTouchAt: '2026-11-24T15:00:00.000Z' }), DEFAULT_POLICY);
      assert.equal(followUpSent(touched, 'first-touch', now), undefined);
    });

    it('leaves the card as it is: rev and delivery unchanged, only updatedAt moves', () => {
      const now = new Date('2026-11-25T15:10:00.000Z');
      const lead = leased(nurturing(), now);
      const out = followUpSent(lead, 'nurture', now);
      assert.ok(out);
      assert.equal(out.lead.rev, lead.rev);
      assert.deepEqual(out.lead.delivery, lead.delivery);
      assert.equal(out.lead.updatedAt, now.toISOString());
      assert.equal(out.lead.status, 'nurturing');
      assert.deepEqual(out.lead.owner, ANA);
    });

    it('keeps a next touch the owner picked while the nurture reminder was being sent', () => {
      const now = new Date('2026-11-25T15:10:00.000Z');
      const reminded = leased(nurturing(), now);
      // Meanwhile Ana logs a touch and picks 10 Dec for the next one; the lifecycle re-derives the follow-up.
      const picked = '2026-12-10T09:00:00.000Z';
      const touched = withFollowUp(
        { ...reminded, nurture: { ...reminded.nurture!, nextTouchAt: picked }, rev: reminded.rev + 1 },
        DEFAULT_POLICY,
      );
      assert.equal(touched.followUp?.kind, 'nurture');
      const out = followUpSent(touched, 'nurture', now);
      assert.equal(out?.lead.nurture?.nextTouchAt ?? touched.nurture?.nextTouchAt, picked);
    });
  });
});
