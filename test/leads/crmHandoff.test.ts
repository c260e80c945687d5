/** The CRM handoff's pure steps: when a lead is owed to the CRM, leases, outcomes, Retry. */
import assert from 'node:assert/strict';
import { decide } from '../../src/leads/lifecycle';
import { crmAttempted, crmStatus, takeCrmLease, type CrmPolicy } from '../../src/leads/crmHandoff';
import type { Lead } from '../../src/leads/lead';
import { ANA, makeLead } from '../support/leadFixtures';

const NOW = new Date('2026-11-24T15:00:00.000Z');
const MAYA = { id: '29:maya', aadObjectId: 'aad-maya', name: 'Maya Patel' };
const POLICY: CrmPolicy = { leaseMs: 60_000, baseRetryMs: 5_000, maxRetryMs: 300_000 };
const later = (ms: number) => new Date(NOW.getTime() + ms);
const QUALIFICATION = { rating: 'hot' as const, budget: '50k', need: 'Reporting' };

function claimed(): Lead {
  return makeLead({ status: 'claimed', owner: ANA, claimedAt: NOW.toISOString(), rev: 2 });
}

function act(lead: Lead, command: Parameters<typeof decide>[1], who = ANA, now = NOW): Lead {
  const role = who === MAYA ? 'manager' : 'owner';
  const d = decide(lead, command, who, role, now, undefined, 'dynamics');
  assert.ok(d.ok, d.ok ? '' : d.message);
  return d.lead;
}

const qualified = () => act(claimed(), { verb: 'qualify', qualification: QUALIFICATION });

function leased(lead: Lead, me = 'bot-a', now = NOW): Lead {
  const next = takeCrmLease(lead, { me, now, leaseMs: POLICY.leaseMs, target: 'dynamics' });
  assert.ok(next, 'the lease was taken');
  return next;
}

describe('leads/crmHandoff', () => {
  it('a qualified lead is owed to the CRM now: round 1, delivery id <lead id>.1, the card says "sending"', () => {
    const lead = qualified();
    assert.deepEqual(lead.crm, {
      target: 'dynamics',
      state: 'pending',
      round: 1,
      deliveryId: `${lead.id}.1`,
      attempts: 0,
      nextAttemptAt: NOW.toISOString(),
    });
    assert.deepEqual(crmStatus(lead), { kind: 'pending' });
  });

  it('claim, nurture and reject never reach the CRM; nothing is owed without a CRM configured', () => {
    const nurtured = act(claimed(), { verb: 'nurture', nextTouchAt: '2026-12-01' });
    const rejected = act(claimed(), { verb: 'reject', reason: 'no-budget' });
    for (const lead of [claimed(), nurtured, rejected]) assert.equal(lead.crm, undefined);
    const d = decide(claimed(), { verb: 'qualify', qualification: QUALIFICATION }, ANA, 'owner', NOW);
    assert.ok(d.ok && d.lead.crm === undefined);
  });

  it('one worker at a time: a live lease keeps others off until it runs out', () => {
    const lead = leased(qualified(), 'bot-a');
    assert.equal(takeCrmLease(lead, { me: 'bot-b', now: NOW, leaseMs: 60_000, target: 'dynamics' }), undefined);
    assert.ok(takeCrmLease(lead, { me: 'bot-b', now: later(60_000), leaseMs: 60_000, target: 'dynamics' }));
  });

  it('a handoff leased by an instance that died is taken over at once', () => {
    const lead = leased(qualified(), 'bot-a');
    const dead = new Set(['bot-a']);
    assert.ok(takeCrmLease(lead, { me: 'bot-b', now: NOW, leaseMs: 60_000, target: 'dynamics', dead }));
  });

  it('sent: the record and its link are kept, the lease released, the card updated, History says so', () => {
    const lead = leased(qualified());
    const step = crmAttempted(
      lead,
      { round: 1, me: 'bot-a' },
      { kind: 'sent', recordId: 'g1', url: 'https://x/1' },
      later(900),
    );
    assert.ok(step);
    assert.equal(step.lead.crm?.state, 'sent');
    assert.deepEqual(step.lead.crm?.record, { id: 'g1', url: 'https://x/1', at: later(900).toISOString(), round: 1 });
    assert.equal(step.lead.crm?.lease, undefined);
    assert.equal(step.lead.rev, lead.rev + 1);
    assert.equal(step.lead.delivery.state, 'pending');
    assert.equal(step.event.verb, 'crm-sent');
    assert.deepEqual(step.event.data, { target: 'dynamics', round: 1, attempt: 1, recordId: 'g1' });
    assert.deepEqual(crmStatus(step.lead), { kind: 'sent', target: 'dynamics', url: 'https://x/1' });
  });

  it('retry: the wait doubles per attempt up to the maximum, and a Retry-After is honoured as given', () => {
    let lead = leased(qualified());
    const waits: number[] = [];
    for (let i = 0; i < 8; i++) {
      const step = crmAttempted(
        lead,
        { round: 1, me: 'bot-a' },
        { kind: 'retry', code: 'crm.unavailable' },
        NOW,
        POLICY,
      );
      assert.ok(step);
      lead = step.lead;
      waits.push(Date.parse(lead.crm!.nextAttemptAt) - NOW.getTime());
    }
    assert.deepEqual(waits, [5_000, 10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000]);
    const throttled = crmAttempted(
      lead,
      { round: 1, me: 'x' },
      { kind: 'retry', code: 'crm.throttled', retryAfterMs: 1_500 },
      NOW,
    );
    assert.equal(throttled?.lead.crm?.nextAttemptAt, later(1_500).toISOString());
    assert.equal(throttled?.lead.rev, lead.rev, 'a retry does not change the card');
    assert.equal(throttled?.event.verb, 'crm-retry');
  });

  it('refused: it stops, the card shows the CRM’s words, and Retry (owner or manager) makes it due again', () => {
    const lead = leased(qualified());
    const message = "Could not find a property named 'new_offer' on type 'Microsoft.Dynamics.CRM.lead'.";
    const step = crmAttempted(lead, { round: 1, me: 'bot-a' }, { kind: 'refused', code: 'crm.refused', message }, NOW);
    assert.equal(step?.lead.crm?.state, 'refused');
    assert.deepEqual(crmStatus(step!.lead), { kind: 'refused', message });
    assert.equal(step?.event.data?.message, message);
    const seller = decide(step!.lead, { verb: 'retry' }, { id: '29:sam', name: 'Sam' }, 'seller', NOW);
    assert.ok(!seller.ok && seller.code === 'lead.not-owner');
    const retried = act(step!.lead, { verb: 'retry' }, MAYA, later(60_000));
    assert.equal(retried.crm?.state, 'pending');
    assert.equal(retried.crm?.nextAttemptAt, later(60_000).toISOString());
    assert.equal(retried.crm?.refused, undefined);
    assert.equal(retried.crm?.round, 1, 'the same round: the same delivery id');
  });

  it('qualify → reopen → qualify: a new round of the same record; a reopen stops a round not yet sent', () => {
    const first = crmAttempted(
      leased(qualified()),
      { round: 1, me: 'bot-a' },
      { kind: 'sent', recordId: 'g1' },
      NOW,
    )!.lead;
    const reopened = act(first, { verb: 'reopen' }, MAYA);
    assert.equal(reopened.crm?.state, 'sent', 'a sent lead still shows where it went');
    const again = act(reopened, { verb: 'qualify', qualification: { rating: 'warm' } });
    assert.equal(again.crm?.state, 'pending');
    assert.equal(again.crm?.round, 2);
    assert.equal(again.crm?.deliveryId, `${again.id}.2`);
    assert.equal(again.crm?.record?.id, 'g1', 'the record of round 1 is kept: the key is the same');
    const pendingReopened = act(qualified(), { verb: 'reopen' }, MAYA);
    assert.equal(pendingReopened.crm?.state, 'withdrawn', 'never sent: nothing is owed any more');
    assert.equal(crmStatus(pendingReopened), undefined, 'and the card says nothing of the CRM');
    assert.equal(takeCrmLease(again, { me: 'a', now: NOW, leaseMs: 1, target: 'dynamics' })?.crm?.round, 2);
  });

  it('an outcome of a round superseded meanwhile records the record only', () => {
    const sent = crmAttempted(leased(qualified()), { round: 1, me: 'bot-a' }, { kind: 'sent', recordId: 'g1' }, NOW)!;
    const reopen = (l: Lead) =>
      act(act(l, { verb: 'reopen' }, MAYA), { verb: 'qualify', qualification: QUALIFICATION });
    const round2 = leased(reopen(sent.lead));
    const round3 = reopen(round2);
    assert.equal(round3.crm?.lease?.owner, 'bot-a', "round 2's worker keeps its lease: no two send at once");
    const late = crmAttempted(round3, { round: 2, me: 'bot-a' }, { kind: 'sent', recordId: 'g1' }, NOW);
    assert.equal(late?.lead.crm?.state, 'pending');
    assert.equal(late?.lead.crm?.round, 3);
    assert.equal(late?.lead.crm?.record?.round, 2);
    assert.equal(late?.lead.crm?.lease, undefined, 'released: round 3 can go');
    assert.equal(crmAttempted(round3, { round: 2, me: 'bot-a' }, { kind: 'retry', code: 'x' }, NOW), undefined);
  });

  it('a lead no longer qualified, or erased, is not sent', () => {
    const lead = qualified();
    for (const l of [
      { ...lead, status: 'claimed' as const },
      { ...lead, erasedAt: NOW.toISOString() },
    ])
      assert.equal(takeCrmLease(l, { me: 'a', now: NOW, leaseMs: 1, target: 'dynamics' }), undefined);
  });
});
