/**
 * The publisher's story: Partner Center posts leads to /api/leads; each appears once as a card in the team's
 * channel; nothing is lost or posted twice. Real parts: embedded Cosmos via @azure/cosmos, the local Teams channel.
 */
import assert from 'node:assert/strict';
import {
  contactMePayload,
  docSamplePayload,
  freeTrialPayload,
  testLeadPayload,
  dncPayload,
  tableEntityPayload,
} from '../support/payloads';
import { postLead, useBot, waitFor } from '../support/harness';

describe('lead intake: a Partner Center lead becomes a card in Teams', () => {
  const scenario = useBot();

  it('installing the app subscribes the General channel and posts one welcome card there', async () => {
    const welcome = await waitFor('welcome card', () =>
      scenario.teams.cards(scenario.teams.team.id).find((c) => JSON.stringify(c.card).includes('Lead Desk')),
    );
    assert.ok(welcome);
    const general = await scenario.app.installs.getChannel(scenario.teams.team.id);
    assert.equal(general?.subscribed, true);
    assert.equal(scenario.teams.posts().length, 1, 'two install events, one welcome');
  });

  it('a Contact me lead is stored before the webhook answers and appears as a card in General', async () => {
    const res = await postLead(scenario.app, contactMePayload);
    assert.equal(res.status, 202);
    assert.equal(res.body.status, 'accepted');
    const stored = await scenario.app.leads.get(res.body.id);
    assert.ok(stored, 'stored in Cosmos when the webhook answered');
    assert.equal(stored.status, 'new');

    const card = await waitFor('lead card', () =>
      scenario.teams.cards(scenario.teams.team.id).find((c) => JSON.stringify(c.card).includes(res.body.id)),
    );
    const text = JSON.stringify(card.card);
    assert.match(text, /Contact me/);
    assert.match(text, /"verb":"claim"/);
    const posted = await waitFor('posted state', async () =>
      (await scenario.app.leads.get(res.body.id))?.delivery.state === 'posted'
        ? await scenario.app.leads.get(res.body.id)
        : undefined,
    );
    assert.equal(posted.delivery.targets?.[0].activityId, card.activityId, 'the activity id is kept on the lead');
  });

  it('a retried webhook does not duplicate: same id, 200, one card', async () => {
    const first = await postLead(scenario.app, docSamplePayload);
    await waitFor('card', () => scenario.teams.cards().find((c) => JSON.stringify(c.card).includes(first.body.id)));
    const again = await postLead(scenario.app, docSamplePayload);
    assert.equal(again.status, 200);
    assert.equal(again.body.id, first.body.id);
    await scenario.app.outbox.tick();
    assert.equal(scenario.teams.cards().filter((c) => JSON.stringify(c.card).includes(first.body.id)).length, 1);
  });

  it('a free trial after Contact me merges into the open lead and updates its card', async () => {
    const first = await postLead(scenario.app, contactMePayload);
    const card = await waitFor('card', () =>
      scenario.teams.cards().find((c) => JSON.stringify(c.card).includes(first.body.id)),
    );
    const second = await postLead(scenario.app, freeTrialPayload);
    assert.equal(second.status, 202);
    assert.equal(second.body.id, first.body.id);
    assert.equal(second.body.status, 'merged');
    const updated = await waitFor('card update', () => scenario.teams.updates(card.activityId)[0]);
    const text = JSON.stringify(updated.body);
    assert.match(text, /Contact me/);
    assert.match(text, /Free trial/);
    const lead = await scenario.app.leads.get(first.body.id);
    assert.equal(lead?.signals.length, 2);
    assert.equal(
      scenario.teams.cards().filter((c) => JSON.stringify(c.card).includes(first.body.id)).length,
      1,
      'no second card',
    );
  });

  it('a Partner Center test lead is stored, marked and posted once as a note without buttons', async () => {
    const res = await postLead(scenario.app, testLeadPayload);
    assert.equal(res.status, 202);
    const lead = await scenario.app.leads.get(res.body.id);
    assert.equal(lead?.isTest, true);
    const note = await waitFor('test note', () =>
      scenario.teams.cards().find((c) => /test lead received/i.test(JSON.stringify(c.card))),
    );
    assert.equal(JSON.stringify(note.card).includes('Action.'), false, 'no buttons on the test note');
  });

  it('a do-not-contact notice is stored and shown without a Claim button', async () => {
    const res = await postLead(scenario.app, dncPayload);
    const lead = await scenario.app.leads.get(res.body.id);
    assert.equal(lead?.doNotContact, true);
    const card = await waitFor('dnc card', () =>
      scenario.teams
        .cards()
        .find((c) => JSON.stringify(c.card).includes(res.body.id) || /do not contact/i.test(JSON.stringify(c.card))),
    );
    assert.equal(JSON.stringify(card.card).includes('"verb":"claim"'), false);
  });

  it('an Azure Table lead entity (CustomerInfo as a JSON string) is accepted', async () => {
    const res = await postLead(scenario.app, tableEntityPayload);
    assert.equal(res.status, 202);
    await waitFor('card', () => scenario.teams.cards().find((c) => JSON.stringify(c.card).includes(res.body.id)));
  });
});
