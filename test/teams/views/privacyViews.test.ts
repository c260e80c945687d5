/** The card of an erased lead says so in place of the contact; the `erase <email>` confirmation and its result. */
import assert from 'node:assert/strict';
import { leadCard } from '../../../src/teams/views/cards';
import { ownerView, refusalView } from '../../../src/teams/views/leadViews';
import { eraseConfirmCard, erasedCard } from '../../../src/teams/views/privacyViews';
import { decide } from '../../../src/leads/lifecycle';
import type { Lead } from '../../../src/leads/lead';
import { lintCard } from '../../support/cardLint';
import { privacyViews } from '../../support/cardRenderer';
import { FIXTURE_NOW, MAYA, claimedByAna, makeLead } from '../../support/leadFixtures';

const PERSONAL = ['Jamie', 'Müller-Lindqvist', 'jamie.mueller@fabrikam.example', '+49 30 1234 5678', 'Head of Finance'];

function erased(lead: Lead): Lead {
  const decision = decide(lead, { verb: 'erase' }, MAYA, 'manager', FIXTURE_NOW);
  assert.ok(decision.ok);
  return decision.lead;
}

describe('teams/privacyViews', () => {
  it('shows "Personal data erased on <date>" in place of the contact, on the shared card and the personal views', () => {
    const lead = erased(claimedByAna());
    const cards = {
      shared: leadCard(lead, FIXTURE_NOW),
      owner: ownerView(lead, { now: FIXTURE_NOW, role: 'owner' }),
      manager: ownerView(lead, { now: FIXTURE_NOW, role: 'manager' }),
      refusal: refusalView(lead, FIXTURE_NOW, 'Already claimed.'),
    };
    for (const [name, card] of Object.entries(cards)) {
      const json = JSON.stringify(card);
      assert.match(json, /Personal data erased on \{\{DATE\(2026-11-24T14:07:00Z, SHORT\)\}\}/, name);
      for (const value of PERSONAL) assert.ok(!json.includes(value), `${name} still shows ${value}`);
      assert.match(json, /Fabrikam Logistics GmbH/, `${name}: the company stays`);
    }
  });

  it('offers no Claim on a new lead whose personal data was erased', () => {
    const json = JSON.stringify(leadCard(erased(makeLead()), FIXTURE_NOW));
    assert.ok(!json.includes('"verb":"claim"'));
  });

  it('asks a manager to confirm with the number of leads, and the Erase button carries the email', () => {
    const card = eraseConfirmCard('dana@northwind.example', 2);
    const json = JSON.stringify(card);
    assert.match(json, /2 leads hold their personal data/);
    assert.match(json, /"verb":"erase-confirm","data":\{"email":"dana@northwind.example"\}/);
    assert.match(json, /cannot be undone/);
  });

  it('answers with the counts, no email and no button once erased', () => {
    const json = JSON.stringify(erasedCard({ leads: 1, events: 2 }));
    assert.match(json, /1 lead erased and 2 history entries cleaned of notes/);
    assert.ok(!json.includes('erase-confirm') && !json.includes('@'));
    assert.match(JSON.stringify(erasedCard({ leads: 0, events: 0 })), /Nothing left to erase/);
  });

  it('passes the official Adaptive Cards parser', () => {
    for (const view of privacyViews()) assert.deepEqual(lintCard(view.card), [], view.name);
  });
});
