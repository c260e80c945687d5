/** The CRM handoff on the card: sending, sent with a link, refused with the CRM's words and Retry (owner, managers). */
import assert from 'node:assert/strict';
import { leadCard } from '../../../src/teams/views/cards';
import { ownerView } from '../../../src/teams/views/leadViews';
import type { CrmHandoff } from '../../../src/leads/crmHandoff';
import { lintCard } from '../../support/cardLint';
import { ANA, FIXTURE_NOW, makeLead } from '../../support/leadFixtures';

const qualified = (crm: Partial<CrmHandoff>) =>
  makeLead({
    status: 'qualified',
    owner: ANA,
    qualification: { rating: 'hot' },
    crm: { target: 'dynamics', state: 'pending', round: 1, deliveryId: 'x.1', attempts: 0, nextAttemptAt: '', ...crm },
  });
const text = (card: object) => JSON.stringify(card);

describe('teams/views: the CRM handoff on the card', () => {
  it('says "Sending to the CRM…" while pending, with no link and no Retry', () => {
    const card = leadCard(qualified({}), FIXTURE_NOW);
    assert.match(text(card), /Sending to the CRM…/);
    assert.doesNotMatch(text(card), /Action.OpenUrl|"verb":"retry"/);
    assert.deepEqual(lintCard(card), []);
  });

  it('says "Sent to Dynamics 365" / "Sent to Salesforce" with a link to the record', () => {
    const url = 'https://contoso.crm4.dynamics.com/main.aspx?etn=lead&pagetype=entityrecord&id=1';
    const sent = { state: 'sent' as const, record: { id: '1', url, at: '', round: 1 } };
    const card = leadCard(qualified(sent), FIXTURE_NOW);
    assert.match(text(card), /Sent to Dynamics 365/);
    assert.ok(text(card).includes(JSON.stringify(url).slice(1, -1)));
    assert.match(text(card), /Open in Dynamics 365/);
    assert.deepEqual(lintCard(card), []);
    assert.match(text(leadCard(qualified({ ...sent, target: 'salesforce' }), FIXTURE_NOW)), /Sent to Salesforce/);
  });

  it('says "The CRM refused it: <its words>"; the owner and managers get Retry, a seller does not', () => {
    const message = "Could not find a property named 'new_offer' on type 'Microsoft.Dynamics.CRM.lead'.";
    const lead = qualified({ state: 'refused', refused: { code: 'crm.refused', message, at: '' } });
    assert.ok(text(leadCard(lead, FIXTURE_NOW)).includes(`The CRM refused it: ${message}`));
    const owner = ownerView(lead, { now: FIXTURE_NOW, role: 'owner' });
    assert.match(text(owner), /"verb":"retry"/);
    assert.deepEqual(lintCard(owner), []);
    assert.match(text(ownerView(lead, { now: FIXTURE_NOW, role: 'manager' })), /"verb":"retry"/);
    assert.doesNotMatch(text(leadCard(lead, FIXTURE_NOW)), /"verb":"retry"/, 'not on the shared card');
    const sent = qualified({ state: 'sent' });
    assert.doesNotMatch(text(ownerView(sent, { now: FIXTURE_NOW, role: 'owner' })), /"verb":"retry"/);
  });

  it('says it in Turkish for a Turkish reader', () => {
    const card = leadCard(qualified({ state: 'sent' }), FIXTURE_NOW, [], 'tr');
    assert.match(text(card), /Dynamics 365'e gönderildi/);
  });
});
