/** What erase takes from a lead and its audit events: every piece of personal data, and nothing the pipeline counts. */
import assert from 'node:assert/strict';
import { erasePersonalData, scrubbedEvent } from '../../src/leads/erasure';
import { signalArrived } from '../../src/leads/arrival';
import { entryOf } from '../../src/leads/pipeline';
import type { LeadDraft, LeadEvent } from '../../src/leads/lead';
import { ANA, makeLead, nurturingWithTouches, qualifiedLead } from '../support/leadFixtures';

const AT = '2026-12-02T10:00:00.000Z';

describe('leads/erasure', () => {
  describe('erasePersonalData', () => {
    it("drops the sellers' notes about the person too: BANT answers, qualification and reject notes", () => {
      const lead = qualifiedLead();
      lead.qualification = {
        rating: 'hot',
        budget: '250k from Jamie',
        need: 'Jamie needs it',
        timeframe: 'Q1',
        authority: 'yes',
        notes: 'Jamie on +49 30 1234 5678',
      };
      const erased = erasePersonalData(lead, AT);
      assert.deepEqual(lead.qualification, { rating: 'hot' });
      for (const f of ['budget', 'need', 'timeframe', 'authority', 'notes'])
        assert.ok(erased.includes(`qualification.${f}`), f);
      assert.equal(lead.erasedAt, AT);
      const rejected = makeLead({ status: 'rejected', rejection: { reason: 'no-budget', notes: 'Jamie said no' } });
      erasePersonalData(rejected, AT);
      assert.deepEqual(rejected.rejection, { reason: 'no-budget' });
    });

    it('drops nurture and touch notes, keeps the schedule and who touched when', () => {
      const lead = nurturingWithTouches();
      lead.nurture = { ...lead.nurture!, note: 'Call Jamie in January', cadence: 'weekly' };
      const touches = lead.nurture.touches.map(({ at, by }) => ({ at, by }));
      const erased = erasePersonalData(lead, AT);
      assert.equal(lead.nurture?.note, undefined);
      assert.equal(lead.nurture?.cadence, undefined);
      assert.deepEqual(lead.nurture?.touches, touches);
      assert.ok(erased.includes('nurture.note'));
    });

    it('leaves what the pipeline counts as it was', () => {
      const lead = qualifiedLead();
      const before = entryOf(lead);
      erasePersonalData(lead, AT);
      assert.deepEqual(entryOf(lead), before);
    });
  });

  describe('scrubbedEvent', () => {
    const event = (data: Record<string, unknown>): LeadEvent => ({
      leadId: 'L1',
      at: AT,
      verb: 'qualify',
      actor: ANA,
      data,
    });

    it('drops notes and BANT answers, keeps choices, dates and the new owner', () => {
      const scrubbed = scrubbedEvent(
        event({
          qualification: { rating: 'warm', budget: '50k', need: 'Reporting', notes: 'Jamie is keen' },
          reason: 'no-budget',
          notes: 'Maybe next year',
          note: 'Left Jamie a voicemail',
          nextTouchAt: AT,
          to: { id: ANA.id, name: ANA.name },
        }),
      );
      assert.deepEqual(scrubbed?.data, {
        qualification: { rating: 'warm' },
        reason: 'no-budget',
        nextTouchAt: AT,
        to: { id: ANA.id, name: ANA.name },
      });
    });

    it('answers undefined for an event without free text, and never changes its input', () => {
      assert.equal(scrubbedEvent(event({ kind: 'unclaimed' })), undefined);
      assert.equal(scrubbedEvent({ leadId: 'L1', at: AT, verb: 'claim' }), undefined);
      const input = event({ note: 'x' });
      scrubbedEvent(input);
      assert.deepEqual(input.data, { note: 'x' });
    });
  });

  describe('a signal for an erased lead', () => {
    const draft = (fingerprint: string) => ({ fingerprint, receivedAt: AT }) as unknown as LeadDraft;

    it('starts a new lead, as for a closed one, even while the erased lead is still open', () => {
      const lead = makeLead({ erasedAt: AT });
      assert.equal(lead.status, 'new');
      assert.deepEqual(signalArrived(lead, draft('a-new-payload'), new Date(AT)), { kind: 'closed' });
    });

    it('keeps a retried old payload a duplicate, so a late retry does not bring the data back', () => {
      const lead = makeLead({ erasedAt: AT });
      assert.deepEqual(signalArrived(lead, draft(lead.signals[0].fingerprint), new Date(AT)), { kind: 'duplicate' });
    });
  });
});
